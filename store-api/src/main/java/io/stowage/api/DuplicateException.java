package io.stowage.api;

/** An image with this id already exists in the store; the existing data is untouched. HTTP 409. */
public final class DuplicateException extends StowageException {
  private static final long serialVersionUID = 1L;

  public DuplicateException(String message) {
    super(message);
  }

  public DuplicateException(String message, Throwable cause) {
    super(message, cause);
  }
}
