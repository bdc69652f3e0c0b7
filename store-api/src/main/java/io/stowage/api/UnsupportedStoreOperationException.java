package io.stowage.api;

/** The store or format does not support the requested operation (see its capabilities). HTTP 405/410. */
public final class UnsupportedStoreOperationException extends StowageException {
  private static final long serialVersionUID = 1L;

  public UnsupportedStoreOperationException(String message) {
    super(message);
  }

  public UnsupportedStoreOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
