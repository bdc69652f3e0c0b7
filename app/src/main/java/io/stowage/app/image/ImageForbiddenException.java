package io.stowage.app.image;

import io.stowage.api.StowageException;

/** The caller may see the image but not do this to it (a protected image's deletion, a read-only property, another project's image). HTTP 403. */
public final class ImageForbiddenException extends StowageException {
  private static final long serialVersionUID = 1L;

  public ImageForbiddenException(String message) {
    super(message);
  }

  public ImageForbiddenException(String message, Throwable cause) {
    super(message, cause);
  }
}
