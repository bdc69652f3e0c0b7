package io.stowage.api;

/** The store cannot serve the request now: it failed to start, is misconfigured, or its plugin is missing. HTTP 503. */
public final class UnavailableException extends StowageException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
