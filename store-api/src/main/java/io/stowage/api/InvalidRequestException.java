package io.stowage.api;

/** A request argument is invalid: a malformed image id, an unknown hash algorithm, a bad range. Nothing was read or written. HTTP 400. */
public final class InvalidRequestException extends StowageException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }

  public InvalidRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
