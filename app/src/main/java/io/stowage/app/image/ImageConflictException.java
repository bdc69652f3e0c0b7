package io.stowage.app.image;

import io.stowage.api.StowageException;

/** The image's state does not allow the request: data sent to an image that is not {@code queued} (another upload is running, or it has data), or a patch that removes or replaces a property it does not have. HTTP 409. */
public final class ImageConflictException extends StowageException {
  private static final long serialVersionUID = 1L;

  public ImageConflictException(String message) {
    super(message);
  }

  public ImageConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
