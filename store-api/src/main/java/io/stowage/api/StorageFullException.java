package io.stowage.api;

/** The backend has no room for the data (no space, file too large, quota). Nothing was kept. HTTP 413. */
public final class StorageFullException extends StowageException {
  private static final long serialVersionUID = 1L;

  public StorageFullException(String message) {
    super(message);
  }

  public StorageFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
