package io.stowage.api;

/** The backend refused the write (permissions, read-only mount, store opened read-only). Nothing was kept. HTTP 503. */
public final class WriteDeniedException extends StowageException {
  private static final long serialVersionUID = 1L;

  public WriteDeniedException(String message) {
    super(message);
  }

  public WriteDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
