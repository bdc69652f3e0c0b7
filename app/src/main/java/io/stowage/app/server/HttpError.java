package io.stowage.app.server;

/**
 * A failure of the HTTP exchange itself (no credentials, a media type or range the API does not
 * take), as opposed to a failure of the image service: it carries its status code and a
 * one-line message for the client.
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
