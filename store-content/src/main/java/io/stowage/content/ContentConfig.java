package io.stowage.content;

import io.stowage.api.DataSize;
import java.time.Duration;

/**
 * The configuration of one content store, bound from its YAML subtree (snake_case keys).
 *
 * @param root the folder holding {@code blobs/}, {@code ingest/} and the rest; relative to the
 *     configuration file
 * @param digest the algorithm ingests are hashed with, {@code sha256} (default) or {@code sha512}
 * @param ingestExpiry how long an ingest may go without writes before it is reaped; default 7d
 * @param checkpointInterval how many bytes an ingest writes between saved hash states, the most a
 *     resume after a restart re-reads; default 16MiB; 0 saves none (a restart re-reads all)
 */
public record ContentConfig(
    String root, String digest, Duration ingestExpiry, DataSize checkpointInterval) {

  public static final Duration DEFAULT_EXPIRY = Duration.ofDays(7);
  public static final DataSize DEFAULT_CHECKPOINT = DataSize.ofBytes(16L << 20);

  public ContentConfig {
    root = root == null ? "" : root;
    digest = digest == null ? "sha256" : digest;
    ingestExpiry = ingestExpiry == null ? DEFAULT_EXPIRY : ingestExpiry;
    checkpointInterval = checkpointInterval == null ? DEFAULT_CHECKPOINT : checkpointInterval;
  }

  /** A configuration with {@code root} and defaults. */
  public static ContentConfig ofRoot(String root) {
    return new ContentConfig(root, null, null, null);
  }

  public ContentConfig withIngestExpiry(Duration expiry) {
    return new ContentConfig(root, digest, expiry, checkpointInterval);
  }

  public ContentConfig withCheckpointInterval(DataSize interval) {
    return new ContentConfig(root, digest, ingestExpiry, interval);
  }

  public ContentConfig withDigest(String algorithm) {
    return new ContentConfig(root, algorithm, ingestExpiry, checkpointInterval);
  }
}
