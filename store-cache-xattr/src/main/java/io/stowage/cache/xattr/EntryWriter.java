package io.stowage.cache.xattr;

import io.stowage.api.HashAlgorithm;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.IoFailures;
import io.stowage.api.Multihash;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.StowageException;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one entry while holding the image's writer lock, through the SPI's {@link AtomicFile}
 * with its temporary file in {@code incomplete/} ({@code incomplete/.<id>.<random>.tmp}, locked
 * while it lives); commit checks the expected size and checksums (digests of the file read back
 * after its last byte, {@link EntryDigests}: while it is written, the writing thread only
 * writes), tags the file with its access record and gives it the entry's name (atomic: readers
 * see no entry or the whole one); failure renames it into {@code invalid/<id>} with the reason in
 * {@code user.error}, as Glance does. A process killed meanwhile leaves only an unlocked
 * temporary file in {@code incomplete/}, which {@link XattrCacheDriver#reapStalled} removes.
 */
final class EntryWriter implements CacheWriter {
  private static final Logger LOG = LoggerFactory.getLogger(EntryWriter.class);

  private enum State { OPEN, COMMITTED, ABORTED }

  private final CacheFolder folder;
  private final String id;
  private final Path path;
  private final AtomicFile file;
  private final FileLock claim;
  private final ExpectedImage expected;
  private final List<Multihash> checksums;
  private final Clock clock;
  private long written;
  private State state = State.OPEN;

  /** Something that says what time it is, in the driver's precision. */
  interface Clock {
    Instant now();
  }

  EntryWriter(CacheFolder folder, String id, AtomicFile file, FileLock claim,
      ExpectedImage expected, Clock clock) {
    this.folder = folder;
    this.id = id;
    this.path = file.temporary();
    this.file = file;
    this.claim = claim;
    this.expected = expected;
    this.checksums = checksums(expected);
    this.clock = clock;
  }

  /** The checksums to check, md5 first: each costs a digest of every byte, on a thread. */
  private static List<Multihash> checksums(ExpectedImage expected) {
    List<Multihash> wanted = new ArrayList<>(2);
    expected.md5().ifPresent(hex -> wanted.add(new Multihash(HashAlgorithm.MD5, hex)));
    expected.multihash().ifPresent(wanted::add);
    return List.copyOf(wanted);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (state != State.OPEN) {
      throw new ClosedChannelException();
    }
    int n;
    try {
      n = file.channel().write(src);
    } catch (IOException e) {
      StowageException failure = IoFailures.onWrite("writing cache entry " + id, e);
      abort(failure.getMessage());
      throw failure;
    }
    written += n;
    return n;
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public boolean isOpen() {
    return state == State.OPEN;
  }

  @Override
  public void commit() {
    if (state != State.OPEN) {
      throw new IllegalStateException("cache writer of " + id + " is already " + state);
    }
    if (expected.size().isPresent() && expected.size().getAsLong() != written) {
      String reason = "image " + id + " has " + written + " bytes, expected "
          + expected.size().getAsLong();
      abort(reason);
      throw new SizeMismatchException(reason);
    }
    if (!checksums.isEmpty()) {
      check();
    }
    Instant now = clock.now();
    try {
      // The record goes on before the rename: a committed entry always has one.
      AccessRecord record = AccessRecord.committed(written, now);
      Xattrs.write(path, Xattrs.ACCESS, record.text());
      Xattrs.write(path, Xattrs.HITS, "0"); // for Glance's tools, which expect the attribute
      Instant modified = Files.getLastModifiedTime(path).toInstant();
      folder.index.beforeChange();
      file.commit(AtomicFile.Commit.REPLACE, false);
      state = State.COMMITTED;
      Files.deleteIfExists(folder.queue.resolve(id));
      folder.index.put(new CachedImage(id, written, modified, now, 0), record);
    } catch (IOException e) {
      StowageException failure = IoFailures.onWrite("committing cache entry " + id, e);
      if (state == State.OPEN) {
        abort(failure.getMessage());
      }
      throw failure;
    } finally {
      if (state == State.COMMITTED) {
        finish();
      }
    }
  }

  private void check() {
    List<Multihash> got;
    try {
      got = EntryDigests.of(file.channel(), written,
          checksums.stream().map(Multihash::algorithm).toList());
    } catch (RuntimeException e) {
      abort("hashing failed: " + e.getMessage());
      throw e;
    }
    for (int i = 0; i < checksums.size(); i++) {
      Multihash want = checksums.get(i);
      if (!got.get(i).equals(want)) {
        String what = i == 0 && expected.md5().isPresent() ? "md5" : "multihash";
        String reason = "image " + id + " " + what + " is " + got.get(i).value() + ", expected "
            + want.value();
        abort(reason);
        throw new InvalidImageDataException(reason);
      }
    }
  }

  @Override
  public void abort(String reason) {
    if (state != State.OPEN) {
      return;
    }
    state = State.ABORTED;
    try {
      Xattrs.write(path, Xattrs.ERROR, reason.isEmpty() ? "aborted" : reason);
      Files.move(path, folder.invalid.resolve(id), StandardCopyOption.ATOMIC_MOVE);
      LOG.debug("cache write of {} rolled back to invalid/: {}", id, reason);
    } catch (NoSuchFileException e) {
      LOG.debug("cache write of {} was reaped while it ran", id);
    } catch (IOException e) {
      // No room even for the attribute, say: the partial data must not stay where a writer's
      // debris is expected to be live.
      try {
        Files.deleteIfExists(path);
      } catch (IOException again) {
        LOG.warn("cannot move aside or delete {}: {}", path, IoFailures.describe(again));
      }
    } finally {
      finish();
    }
  }

  private void finish() {
    file.close(); // deletes the temporary file unless committed or moved to invalid/
    folder.releaseWriter(id, claim);
  }

  @Override
  public void close() {
    abort("incomplete fetch");
  }
}
