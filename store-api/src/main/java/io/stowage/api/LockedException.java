package io.stowage.api;

/** The resource is held by another writer (another process or thread); retrying later may succeed. HTTP 409. */
public final class LockedException extends StowageException {
  private static final long serialVersionUID = 1L;

  public LockedException(String message) {
    super(message);
  }

  public LockedException(String message, Throwable cause) {
    super(message, cause);
  }
}
