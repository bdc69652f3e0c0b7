package io.stowage.api.content;

import io.stowage.api.InvalidRequestException;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where an ingest stands.
 *
 * @param ref the ingest's ref
 * @param offset bytes written so far
 * @param total the size the writer said to expect, when it did
 * @param startedAt when the ingest was created (a recreated ingest starts again)
 * @param updatedAt when bytes were last written
 */
public record IngestStatus(
    String ref, long offset, OptionalLong total, Instant startedAt, Instant updatedAt) {

  public IngestStatus {
    IngestRefs.requireValid(ref);
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (offset < 0) {
      throw new InvalidRequestException("offset " + offset + " is negative");
    }
  }
}
