package io.stowage.api;

/** The image data stream failed while being read (the client went away, the source broke). Nothing was kept. HTTP 400. */
public final class DataStreamException extends StowageException {
  private static final long serialVersionUID = 1L;

  public DataStreamException(String message) {
    super(message);
  }

  public DataStreamException(String message, Throwable cause) {
    super(message, cause);
  }
}
