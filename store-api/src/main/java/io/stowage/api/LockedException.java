package io.stowage.api;

import java.time.Duration;
import java.util.Optional;

/** The resource is held by another writer (another process or thread); retrying later may succeed. HTTP 409. */
public final class LockedException extends StowageException {
  private static final long serialVersionUID = 1L;

  private final Duration heldFor;

  public LockedException(String message) {
    super(message);
    this.heldFor = null;
  }

  public LockedException(String message, Throwable cause) {
    super(message, cause);
    this.heldFor = null;
  }

  /** A lock held for {@code heldFor} when the attempt was refused. */
  public LockedException(String message, Duration heldFor) {
    super(message);
    this.heldFor = heldFor;
  }

  /** How long the holder had held the resource when this attempt was refused, when known. */
  public Optional<Duration> heldFor() {
    return Optional.ofNullable(heldFor);
  }
}
