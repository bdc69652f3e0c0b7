package io.stowage.content;

import io.stowage.api.IoFailures;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.content.ContentStore;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import io.stowage.api.content.IngestRefs;
import io.stowage.api.content.IngestStatus;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Capability;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content store over one root folder: the {@link ContentStore} API, and a {@link Store} of
 * images through {@link ImageShelf}. Thread-safe; several processes may share a root (ingest refs
 * and blob changes are locked with {@code fcntl} locks).
 */
final class LocalContentStore implements ContentStore, Store {
  private static final Logger LOG = LoggerFactory.getLogger(LocalContentStore.class);

  private final String id;
  private final Layout layout;
  private final DigestAlgorithm algorithm;
  private final Duration expiry;
  private final long checkpointInterval;
  private final RefLocks refLocks = new RefLocks();
  private final BlobLocks blobLocks;
  private final Blobs blobs;
  private final Checkpointer checkpointer;
  private final ImageShelf images;
  private final ScheduledExecutorService reaper;
  /** JDK digests of ingests whose writers closed in this process, to resume without reading. */
  private final ConcurrentHashMap<Path, Suspended> suspended = new ConcurrentHashMap<>();

  /** A closed writer's digest: its saved state when readable, else a clone. */
  private record Suspended(String stamp, long offset, DigestAlgorithm algorithm,
      Optional<byte[]> state, MessageDigest copy) {}

  private LocalContentStore(String id, Layout layout, DigestAlgorithm algorithm, Duration expiry,
      long checkpointInterval) throws IOException {
    this.id = id;
    this.layout = layout;
    this.algorithm = algorithm;
    this.expiry = expiry;
    this.checkpointInterval = checkpointInterval;
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      Files.createDirectories(layout.blobFolder(a));
    }
    Files.createDirectories(layout.ingests());
    Files.createDirectories(layout.images());
    this.blobLocks = new BlobLocks(layout.locks());
    this.blobs = new Blobs(layout, blobLocks);
    this.checkpointer = new Checkpointer(id, checkpointInterval);
    this.images = new ImageShelf(this, layout, id);
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stowage-content-reaper-" + id);
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1000, Math.min(expiry.toMillis() / 4, TimeUnit.MINUTES.toMillis(10)));
    reaper.scheduleWithFixedDelay(this::reapQuietly, 0, period, TimeUnit.MILLISECONDS);
  }

  static LocalContentStore open(String id, Path root, DigestAlgorithm algorithm, Duration expiry,
      long checkpointInterval) {
    try {
      return new LocalContentStore(id, new Layout(root), algorithm, expiry, checkpointInterval);
    } catch (IOException e) {
      throw new io.stowage.api.BadStoreConfigurationException(
          "root", "cannot create the store's folders under " + root + ": "
              + IoFailures.describe(e), e);
    }
  }

  // ---- ContentStore: ingests ----

  @Override
  public ContentWriter writer(String ref, OptionalLong expectedTotal) {
    return openWriter(ref, expectedTotal, true);
  }

  /** A writer; {@code resumable} false skips checkpoints (image adds never resume). */
  IngestWriter openWriter(String ref, OptionalLong expectedTotal, boolean resumable) {
    IngestRefs.requireValid(ref);
    if (expectedTotal.isPresent() && expectedTotal.getAsLong() < 0) {
      throw new InvalidRequestException("expected total " + expectedTotal.getAsLong()
          + " is negative");
    }
    Path dir = layout.ingest(ref);
    RefLocks.Held held;
    try {
      held = refLocks.acquire(dir, ref);
    } catch (IOException e) {
      throw IoFailures.onWrite("creating ingest \"" + ref + "\"", e);
    }
    try {
      Optional<Ingest> existing = Ingest.load(dir, ref);
      if (existing.isEmpty()) {
        suspended.remove(dir);
        Ingest fresh = Ingest.create(dir, ref, expectedTotal);
        return new IngestWriter(this, held, fresh, IngestHash.jdk(algorithm), 0, resumable);
      }
      Ingest ingest = existing.get();
      if (expectedTotal.isPresent()) {
        if (ingest.total().isPresent()
            && ingest.total().getAsLong() != expectedTotal.getAsLong()) {
          throw new InvalidRequestException("ingest \"" + ref + "\" was started with total "
              + ingest.total().getAsLong() + ", not " + expectedTotal.getAsLong()
              + "; abort it to start again");
        }
        if (ingest.total().isEmpty()) {
          ingest = ingest.withTotal(expectedTotal.getAsLong());
        }
      }
      return resume(held, ingest, resumable);
    } catch (IOException e) {
      held.close();
      throw IoFailures.onWrite("opening ingest \"" + ref + "\"", e);
    } catch (RuntimeException e) {
      held.close();
      throw e;
    }
  }

  /**
   * Continues an ingest: from the digest a writer of this process left (nothing read), else from
   * the last checkpoint with the portable digest when that costs less than re-reading everything
   * with the JDK's, else re-reading it all.
   */
  private IngestWriter resume(RefLocks.Held held, Ingest ingest, boolean resumable)
      throws IOException {
    long size = Files.size(ingest.data());
    Suspended s = suspended.remove(ingest.dir());
    if (s != null && s.stamp.equals(ingest.stamp()) && s.offset == size
        && s.algorithm == algorithm) {
      Optional<IngestHash.Jdk> restored =
          s.state.flatMap(state -> IngestHash.restoreJdk(algorithm, state));
      return new IngestWriter(this, held, ingest, restored.orElseGet(
          () -> new IngestHash.Jdk(algorithm, s.copy, Optional.empty())), size, resumable);
    }
    Optional<Checkpoint> saved = Checkpoint.load(ingest.dir(), ingest.stamp())
        .filter(c -> c.algorithm() == algorithm && c.offset() <= size);
    if (saved.isPresent() && saved.get().kind().equals(Checkpoint.JDK)) {
      Optional<IngestHash.Jdk> restored = IngestHash.restoreJdk(algorithm, saved.get().state());
      if (restored.isPresent()) {
        feed(ingest.data(), saved.get().offset(), size, restored.get());
        return new IngestWriter(this, held, ingest, restored.get(), size, resumable);
      }
    }
    long remaining = ingest.total().isPresent()
        ? Math.max(0, ingest.total().getAsLong() - size) : 0;
    Optional<IngestHash.Portable> portable = saved
        .filter(c -> c.kind().equals(Checkpoint.PORTABLE))
        .flatMap(c -> IngestHash.restore(algorithm, c.state()));
    if (portable.isPresent() && IngestHash.PORTABLE_SLOWDOWN
        * (size - saved.get().offset() + remaining) < size + remaining) {
      feed(ingest.data(), saved.get().offset(), size, portable.get());
      return new IngestWriter(this, held, ingest, portable.get(), size, resumable);
    }
    IngestHash.Jdk jdk = IngestHash.jdk(algorithm);
    feed(ingest.data(), 0, size, jdk);
    return new IngestWriter(this, held, ingest, jdk, size, resumable);
  }

  private static void feed(Path file, long from, long to, IngestHash hash) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
      long at = from;
      while (at < to) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), to - at));
        int n = channel.read(buffer, at);
        if (n < 0) {
          throw new IOException(file + " is shorter than " + to + " bytes");
        }
        at += n;
        buffer.flip();
        hash.update(buffer);
      }
    }
  }

  @Override
  public IngestStatus status(String ref) {
    IngestRefs.requireValid(ref);
    Ingest ingest = Ingest.load(layout.ingest(ref), ref)
        .orElseThrow(() -> new NotFoundException("no ingest with ref \"" + ref + "\""));
    try {
      return ingest.status();
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no ingest with ref \"" + ref + "\"");
    } catch (IOException e) {
      throw IoFailures.onRead("reading ingest \"" + ref + "\"", e);
    }
  }

  @Override
  public List<IngestStatus> statuses(ContentFilter filter) {
    List<IngestStatus> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.ingests())) {
      for (Path dir : dirs) {
        Optional<Ingest> ingest = Ingest.load(dir);
        if (ingest.isPresent()) {
          try {
            IngestStatus status = ingest.get().status();
            if (filter.matches(status)) {
              out.add(status);
            }
          } catch (IOException e) {
            // Committed or aborted while listing.
          }
        }
      }
    } catch (IOException e) {
      throw IoFailures.onRead("listing ingests", e);
    }
    out.sort(Comparator.comparing(IngestStatus::ref));
    return out;
  }

  @Override
  public void abort(String ref) {
    IngestRefs.requireValid(ref);
    Path dir = layout.ingest(ref);
    if (!Files.isDirectory(dir)) {
      throw new NotFoundException("no ingest with ref \"" + ref + "\"");
    }
    try (RefLocks.Held held = refLocks.acquire(dir, ref)) {
      boolean exists = Ingest.load(dir, ref).isPresent();
      removeIngest(dir);
      if (!exists) {
        throw new NotFoundException("no ingest with ref \"" + ref + "\"");
      }
    } catch (IOException e) {
      throw IoFailures.onWrite("aborting ingest \"" + ref + "\"", e);
    }
  }

  /** Removes ingests without writes for longer than the expiry that no writer holds. */
  int reapExpired() throws IOException {
    int reaped = 0;
    Instant cutoff = Instant.now().minus(expiry);
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.ingests())) {
      for (Path dir : dirs) {
        Optional<RefLocks.Held> held = refLocks.tryAcquireExisting(dir);
        if (held.isEmpty()) {
          continue;
        }
        try (RefLocks.Held h = held.get()) {
          if (Ingest.lastActivity(dir).isBefore(cutoff)) {
            removeIngest(dir);
            reaped++;
          }
        }
      }
    }
    return reaped;
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

  // ---- what writers call ----

  Checkpointer checkpointer() {
    return checkpointer;
  }

  long checkpointInterval() {
    return checkpointInterval;
  }

  void suspend(Ingest ingest, long offset, IngestHash.Jdk digest) {
    Optional<byte[]> state = digest.state();
    suspended.put(ingest.dir(), new Suspended(ingest.stamp(), offset, algorithm, state,
        state.isPresent() ? null : digest.copy()));
  }

  /** Removes an ingest folder whose lock the caller holds. */
  void removeIngest(Path dir) {
    suspended.remove(dir);
    try {
      Ingest.clear(dir, true);
    } catch (IOException e) {
      LOG.warn("could not remove ingest folder {}: {}", dir, e.toString());
    }
  }

  Digest hashFile(Path file, DigestAlgorithm with) {
    IngestHash.Jdk hash = IngestHash.jdk(with);
    try {
      feed(file, 0, Files.size(file), hash);
    } catch (IOException e) {
      throw IoFailures.onRead("hashing " + file, e);
    }
    return hash.peek();
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
    reaper.shutdownNow();
    checkpointer.close();
    blobLocks.close();
  }

  @Override
  public String toString() {
    return "content store " + id + " at " + layout.root();
  }
}
