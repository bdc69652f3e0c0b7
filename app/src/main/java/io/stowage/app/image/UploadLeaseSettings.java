package io.stowage.app.image;

import io.stowage.api.BadStoreConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code uploads:} section ({@link io.stowage.app.config.HostConfig#uploads()}): after how long without a heartbeat an upload in
 * {@code saving} counts as dead and is returned to {@code queued}
 * ({@code uploads: {stale_after: 5m}}). Uploaders renew their lease every fifth of that.
 *
 * @param staleAfter how long a lease may go unrenewed before its upload counts as dead
 */
public record UploadLeaseSettings(Duration staleAfter) {
  /** The default: long enough for a stalled GC or a busy database, short enough to recover. */
  public static final UploadLeaseSettings DEFAULT = new UploadLeaseSettings(Duration.ofMinutes(5));

  /** @throws BadStoreConfigurationException a stale time under a second */
  public UploadLeaseSettings {
    Objects.requireNonNull(staleAfter, "staleAfter");
    if (staleAfter.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new BadStoreConfigurationException("uploads.stale_after",
          "must be at least 1s (it was " + staleAfter + ")");
    }
  }

  /** How often a live uploader renews its leases. */
  public Duration renewEvery() {
    return staleAfter.dividedBy(5);
  }

}
