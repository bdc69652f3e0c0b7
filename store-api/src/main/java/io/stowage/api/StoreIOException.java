package io.stowage.api;

/** The backend failed with an I/O error that none of the more specific types describe. HTTP 500. */
public final class StoreIOException extends StowageException {
  private static final long serialVersionUID = 1L;

  public StoreIOException(String message) {
    super(message);
  }

  public StoreIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
