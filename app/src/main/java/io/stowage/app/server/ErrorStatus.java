package io.stowage.app.server;

import io.stowage.app.image.ImageConflictException;
import io.stowage.app.image.ImageForbiddenException;
import io.stowage.app.image.ImageGoneException;
import io.stowage.app.service.Failures;
import io.undertow.util.StatusCodes;

/**
 * The status and one-line message for a failure: the HTTP layer's own errors, the image
 * service's (403, 409, 410), then the host's table ({@link Failures}) for everything the stores
 * and the service layer throw.
 */
final class ErrorStatus {
  private ErrorStatus() {}

  static int of(Throwable e) {
    if (e instanceof HttpError h) {
      return h.status();
    }
    if (e instanceof ImageForbiddenException) {
      return StatusCodes.FORBIDDEN;
    }
    if (e instanceof ImageConflictException) {
      return StatusCodes.CONFLICT;
    }
    if (e instanceof ImageGoneException) {
      return StatusCodes.GONE;
    }
    return Failures.httpStatus(e);
  }

  static String message(Throwable e) {
    if (e instanceof HttpError) {
      String m = e.getMessage();
      return Failures.shortLine(m == null ? "" : m.strip().split("\\R", 2)[0]);
    }
    // One line, cut when it quotes a huge input (a 1 MB value of the wrong type).
    return Failures.message(e);
  }
}
