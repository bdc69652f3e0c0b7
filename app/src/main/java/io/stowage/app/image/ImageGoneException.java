package io.stowage.app.image;

import io.stowage.api.StowageException;

/** The image was deleted while its data was being uploaded; the data stored for it was removed. HTTP 410. */
public final class ImageGoneException extends StowageException {
  private static final long serialVersionUID = 1L;

  public ImageGoneException(String message) {
    super(message);
  }

  public ImageGoneException(String message, Throwable cause) {
    super(message, cause);
  }
}
