package io.stowage.api;

/** The image data is damaged, hostile, or not in the format it claims to be. HTTP 415. */
public final class InvalidImageDataException extends StowageException {
  private static final long serialVersionUID = 1L;

  public InvalidImageDataException(String message) {
    super(message);
  }

  public InvalidImageDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
