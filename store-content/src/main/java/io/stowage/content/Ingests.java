package io.stowage.content;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.IoFailures;
import io.stowage.api.NotFoundException;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import io.stowage.api.content.IngestRefs;
import io.stowage.api.content.IngestStatus;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest side of a content store: opening (and resuming) writers, statuses, aborts and the
 * expiry of abandoned ingests. One writer per ref across threads and processes
 * ({@link RefLocks}). Thread-safe.
 */
final class Ingests implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Ingests.class);

  private final String storeId;
  private final Layout layout;
  private final DigestAlgorithm algorithm;
  private final long checkpointInterval;
  private final Blobs blobs;
  private final RefLocks refLocks = new RefLocks();
  private final Checkpointer checkpointer;
  /** JDK digests of ingests whose writers closed in this process, to resume without reading. */
  private final ConcurrentHashMap<Path, Suspended> suspended = new ConcurrentHashMap<>();

  /** A closed writer's digest: its saved state when readable, else a clone. */
  private record Suspended(String stamp, long offset, DigestAlgorithm algorithm,
      Optional<byte[]> state, MessageDigest copy) {}

  Ingests(String storeId, Layout layout, DigestAlgorithm algorithm, long checkpointInterval,
      Blobs blobs) {
    this.storeId = storeId;
    this.layout = layout;
    this.algorithm = algorithm;
    this.checkpointInterval = checkpointInterval;
    this.blobs = blobs;
    this.checkpointer = new Checkpointer(storeId, checkpointInterval);
  }

  /** A writer; {@code resumable} false skips checkpoints (image adds never resume). */
  IngestWriter open(String ref, OptionalLong expectedTotal, boolean resumable) {
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
      // Small files a killed process was replacing (hashstate, total).
      AtomicFile.removeAbandoned(dir);
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

  IngestStatus status(String ref) {
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

  List<IngestStatus> statuses(ContentFilter filter) {
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

  void abort(String ref) {
    IngestRefs.requireValid(ref);
    Path dir = layout.ingest(ref);
    if (!Files.isDirectory(dir)) {
      throw new NotFoundException("no ingest with ref \"" + ref + "\"");
    }
    try (RefLocks.Held held = refLocks.acquire(dir, ref)) {
      boolean exists = Ingest.load(dir, ref).isPresent();
      remove(dir);
      if (!exists) {
        throw new NotFoundException("no ingest with ref \"" + ref + "\"");
      }
    } catch (IOException e) {
      throw IoFailures.onWrite("aborting ingest \"" + ref + "\"", e);
    }
  }

  /** Removes ingests without writes for longer than {@code expiry} that no writer holds. */
  int reapExpired(Duration expiry) throws IOException {
    int reaped = 0;
    Instant cutoff = Instant.now().minus(expiry);
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.ingests())) {
      for (Path dir : dirs) {
        if (Thread.currentThread().isInterrupted()) {
          break; // the host is closing
        }
        Optional<RefLocks.Held> held = refLocks.tryAcquireExisting(dir);
        if (held.isEmpty()) {
          continue;
        }
        try (RefLocks.Held h = held.get()) {
          if (Ingest.lastActivity(dir).isBefore(cutoff)) {
            remove(dir);
            reaped++;
          }
        }
      }
    }
    return reaped;
  }

  // ---- what writers call ----

  Checkpointer checkpointer() {
    return checkpointer;
  }

  long checkpointInterval() {
    return checkpointInterval;
  }

  Blobs blobs() {
    return blobs;
  }

  String storeId() {
    return storeId;
  }

  void suspend(Ingest ingest, long offset, IngestHash.Jdk digest) {
    Optional<byte[]> state = digest.state();
    suspended.put(ingest.dir(), new Suspended(ingest.stamp(), offset, algorithm, state,
        state.isPresent() ? null : digest.copy()));
  }

  /** Removes an ingest folder whose lock the caller holds. */
  void remove(Path dir) {
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

  @Override
  public void close() {
    checkpointer.close();
  }
}
