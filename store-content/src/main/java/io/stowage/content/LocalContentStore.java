package io.stowage.content;

import io.stowage.api.IoFailures;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.TaskScheduler;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.content.ContentStore;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import io.stowage.api.content.IngestStatus;
import io.stowage.api.io.AtomicFile;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Capability;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content store over one root folder: the {@link ContentStore} API (ingests in
 * {@link Ingests}, blobs in {@link Blobs}), and a {@link Store} of images through
 * {@link ImageShelf}. Thread-safe; several processes may share a root (ingest refs and blob
 * changes are locked with {@code fcntl} locks).
 */
final class LocalContentStore implements ContentStore, Store {
  private static final Logger LOG = LoggerFactory.getLogger(LocalContentStore.class);

  private final String id;
  private final Layout layout;
  private final Duration expiry;
  private final BlobLocks blobLocks;
  private final Blobs blobs;
  private final Ingests ingests;
  private final ImageShelf images;
  private final Optional<TaskScheduler.Scheduled> reaper;

  private LocalContentStore(String id, Layout layout, DigestAlgorithm algorithm, Duration expiry,
      long checkpointInterval, Optional<TaskScheduler> scheduler) throws IOException {
    this.id = id;
    this.layout = layout;
    this.expiry = expiry;
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      Files.createDirectories(layout.blobFolder(a));
      Files.createDirectories(layout.metaFolder(a));
      // Metadata a killed process was replacing.
      AtomicFile.removeAbandoned(layout.metaFolder(a));
    }
    Files.createDirectories(layout.ingests());
    Files.createDirectories(layout.images());
    AtomicFile.removeAbandoned(layout.images());
    this.blobLocks = new BlobLocks(layout.locks());
    this.blobs = new Blobs(layout, blobLocks);
    this.ingests = new Ingests(id, layout, algorithm, checkpointInterval, blobs);
    this.images = new ImageShelf(this, layout, id);
    if (scheduler.isPresent()) {
      Duration period = Duration.ofMillis(
          Math.max(1000, Math.min(expiry.toMillis() / 4, Duration.ofMinutes(10).toMillis())));
      this.reaper = Optional.of(scheduler.get().repeatedly(
          "content-reap-" + id, Duration.ZERO, period, this::reapQuietly));
    } else {
      this.reaper = Optional.empty();
      reapQuietly();
    }
  }

  /**
   * Opens the store under {@code root}. Abandoned ingests are reaped on {@code scheduler} (every
   * quarter of the expiry, at most every 10 minutes) until {@link #close}; without one, once now.
   */
  static LocalContentStore open(String id, Path root, DigestAlgorithm algorithm, Duration expiry,
      long checkpointInterval, Optional<TaskScheduler> scheduler) {
    try {
      return new LocalContentStore(id, new Layout(root), algorithm, expiry, checkpointInterval,
          scheduler);
    } catch (IOException e) {
      throw new io.stowage.api.BadStoreConfigurationException(
          "root", "cannot create the store's folders under " + root + ": "
              + IoFailures.describe(e), e);
    }
  }

  // ---- ContentStore: ingests ----

  @Override
  public ContentWriter writer(String ref, OptionalLong expectedTotal) {
    return ingests.open(ref, expectedTotal, true);
  }

  /** A writer; {@code resumable} false skips checkpoints (image adds never resume). */
  IngestWriter openWriter(String ref, OptionalLong expectedTotal, boolean resumable) {
    return ingests.open(ref, expectedTotal, resumable);
  }

  @Override
  public IngestStatus status(String ref) {
    return ingests.status(ref);
  }

  @Override
  public List<IngestStatus> statuses(ContentFilter filter) {
    return ingests.statuses(filter);
  }

  @Override
  public void abort(String ref) {
    ingests.abort(ref);
  }

  /** Removes ingests without writes for longer than the expiry that no writer holds. */
  int reapExpired() throws IOException {
    return ingests.reapExpired(expiry);
  }

  private void reapQuietly() {
    try {
      int n = reapExpired();
      if (n > 0) {
        LOG.info("content store {}: removed {} ingest(s) idle for more than {}", id, n, expiry);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("content store {}: reaping expired ingests failed: {}", id, e.toString());
    }
  }

  // ---- ContentStore: blobs ----

  Blobs blobs() {
    return blobs;
  }

  @Override
  public ContentInfo info(Digest digest) {
    return blobs.info(digest);
  }

  @Override
  public ContentInfo updateLabels(Digest digest, Map<String, String> labels, Set<String> fields) {
    return blobs.updateLabels(digest, labels, fields);
  }

  @Override
  public void walk(ContentFilter filter, Consumer<ContentInfo> action) {
    blobs.walk(filter, action);
  }

  @Override
  public ImageData read(Digest digest, ByteRange range) {
    return blobs.read(digest, range);
  }

  @Override
  public void delete(Digest digest) {
    blobs.delete(digest);
  }

  // ---- Store ----

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(ImageShelf.SCHEME);
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.READ, Capability.RANGED_READ, Capability.WRITE, Capability.DELETE);
  }

  @Override
  public boolean owns(URI uri) {
    return images.owns(uri);
  }

  @Override
  public Optional<ContentStore> content() {
    return Optional.of(this);
  }

  @Override
  public AddResult add(AddRequest request) {
    return images.add(request);
  }

  @Override
  public Optional<Location> locate(String imageId) {
    return images.locate(imageId);
  }

  @Override
  public ImageData get(Location location, ByteRange range) {
    return images.get(location, range);
  }

  @Override
  public long size(Location location) {
    return images.size(location);
  }

  @Override
  public void delete(Location location) {
    images.delete(location);
  }

  @Override
  public void close() {
    reaper.ifPresent(TaskScheduler.Scheduled::cancel);
    ingests.close();
    blobLocks.close();
  }

  @Override
  public String toString() {
    return "content store " + id + " at " + layout.root();
  }
}
