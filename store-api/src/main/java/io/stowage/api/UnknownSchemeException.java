package io.stowage.api;

/** No configured store serves the location's URI scheme. HTTP 400. */
public final class UnknownSchemeException extends StowageException {
  private static final long serialVersionUID = 1L;

  public UnknownSchemeException(String message) {
    super(message);
  }

  public UnknownSchemeException(String message, Throwable cause) {
    super(message, cause);
  }
}
