package io.stowage.api;

/**
 * The root of every failure that crosses the SPI. Messages are one line, written for the
 * person who runs the command or sent the request; the host prints them as they are and maps
 * each subclass to an exit code and an HTTP status.
 *
 * <p>Backends throw the most specific subclass; anything else that escapes a backend is
 * reported by the host as an internal error of that backend, with the plugin named.
 *
 * <p>Every subclass is final: a caller that handles one type handles exactly one kind of
 * failure.
 */
public abstract class StowageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected StowageException(String message) {
    super(message);
  }

  protected StowageException(String message, Throwable cause) {
    super(message, cause);
  }
}
