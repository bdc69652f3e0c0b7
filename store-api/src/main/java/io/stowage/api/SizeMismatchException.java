package io.stowage.api;

/** The stream held more or fewer bytes than the declared size. Nothing was kept. HTTP 400. */
public final class SizeMismatchException extends StowageException {
  private static final long serialVersionUID = 1L;

  public SizeMismatchException(String message) {
    super(message);
  }

  public SizeMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
