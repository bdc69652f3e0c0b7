package io.stowage.api;

/** The data grew past the configured size cap. Nothing was kept. HTTP 413. */
public class SizeCapExceededException extends StoreException {
  private static final long serialVersionUID = 1L;

  public SizeCapExceededException(String message) {
    super(message);
  }

  public SizeCapExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
