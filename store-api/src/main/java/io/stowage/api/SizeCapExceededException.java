package io.stowage.api;

/** The data grew past the configured size cap. Nothing was kept. HTTP 413. */
public final class SizeCapExceededException extends StowageException {
  private static final long serialVersionUID = 1L;

  public SizeCapExceededException(String message) {
    super(message);
  }

  public SizeCapExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
