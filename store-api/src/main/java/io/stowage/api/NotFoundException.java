package io.stowage.api;

/** No image, blob or entry exists at the given location or id. HTTP 404. */
public final class NotFoundException extends StowageException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
