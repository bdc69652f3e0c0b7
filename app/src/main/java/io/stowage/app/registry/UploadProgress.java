package io.stowage.app.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far an image's upload has got, as last recorded (at most about once a second while data
 * arrives, and once more at the end). After the upload it keeps the final numbers.
 *
 * @param bytesTotal the size the uploader declared, when it did
 * @param startedAt when the upload started
 * @param updatedAt when these numbers were recorded
 */
public record UploadProgress(
    String imageId,
    long bytesReceived,
    OptionalLong bytesTotal,
    Instant startedAt,
    Instant updatedAt) {

  public UploadProgress {
    Objects.requireNonNull(imageId, "imageId");
    Objects.requireNonNull(bytesTotal, "bytesTotal");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The mean rate from start to the last record; 0 before any time has passed. */
  public long bytesPerSecond() {
    long millis = Duration.between(startedAt, updatedAt).toMillis();
    return millis <= 0 ? 0 : (long) (bytesReceived * 1000.0 / millis);
  }
}
