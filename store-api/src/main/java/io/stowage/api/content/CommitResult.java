package io.stowage.api.content;

import io.stowage.api.InvalidRequestException;
import java.util.Objects;

/**
 * What {@link ContentWriter#commit} did. Both outcomes mean the blob is now stored under
 * {@code digest}; callers treat {@link Outcome#ALREADY_EXISTED} as success (containerd's
 * {@code AlreadyExists}).
 */
public record CommitResult(Digest digest, long size, Outcome outcome) {

  /** Whether this commit created the blob. */
  public enum Outcome {
    /** The ingest's data became the blob. */
    CREATED,
    /** The blob was already stored; the ingest was discarded and the labels were added to it. */
    ALREADY_EXISTED
  }

  public CommitResult {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(outcome, "outcome");
    if (size < 0) {
      throw new InvalidRequestException("size " + size + " is negative");
    }
  }
}
