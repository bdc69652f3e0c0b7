package io.stowage.api.content;

import io.stowage.api.InvalidRequestException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What is known about a committed blob.
 *
 * @param createdAt when it was committed
 * @param updatedAt when its labels last changed (or {@code createdAt})
 * @param labels its labels, sorted by key
 */
public record ContentInfo(
    Digest digest, long size, Instant createdAt, Instant updatedAt, Map<String, String> labels) {

  public ContentInfo {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    labels = Labels.copyOf(labels);
    if (size < 0) {
      throw new InvalidRequestException("size " + size + " is negative");
    }
  }
}
