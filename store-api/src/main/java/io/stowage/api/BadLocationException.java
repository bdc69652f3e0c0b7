package io.stowage.api;

/** A location or URI is malformed or does not belong to the store it was routed to. HTTP 400. */
public final class BadLocationException extends StowageException {
  private static final long serialVersionUID = 1L;

  public BadLocationException(String message) {
    super(message);
  }

  public BadLocationException(String message, Throwable cause) {
    super(message, cause);
  }
}
