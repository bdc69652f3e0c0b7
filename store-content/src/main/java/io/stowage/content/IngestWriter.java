package io.stowage.content;

import io.stowage.api.IoFailures;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.StowageException;
import io.stowage.api.content.CommitResult;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.api.content.IngestStatus;
import io.stowage.api.content.Labels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The writer of one ingest. Appends go to the data file and through the running digest on the
 * caller's thread. How the digest resumes:
 * <ul>
 *   <li>written with the JDK digest: closing hands a clone of it to the store, so a writer reopened
 *       in this process continues without reading anything; meanwhile the {@link Checkpointer}
 *       saves portable states for a restart;
 *   <li>resumed after a restart from a checkpoint: the portable digest continues, and this writer
 *       saves its own checkpoints every interval (and on close).
 * </ul>
 */
final class IngestWriter implements ContentWriter {
  private final LocalContentStore store;
  private final RefLocks.Held lock;
  private Ingest ingest;
  private final FileChannel data;
  private IngestHash hash;
  private long offset;
  private Optional<Checkpointer.Track> track;
  private long lastCheckpoint;
  private boolean closed;

  private final boolean resumable;

  IngestWriter(LocalContentStore store, RefLocks.Held lock, Ingest ingest, IngestHash hash,
      long offset, boolean resumable) throws IOException {
    this.resumable = resumable;
    this.store = store;
    this.lock = lock;
    this.ingest = ingest;
    this.hash = hash;
    this.offset = offset;
    this.lastCheckpoint = offset;
    this.data = FileChannel.open(ingest.data(), StandardOpenOption.WRITE);
    this.track = track(store, ingest, hash, resumable);
  }

  /**
   * How this writer's checkpoints are made: a JDK digest whose state can be read offers its
   * states to the checkpointer to sync and save; one whose state cannot is followed by the
   * checkpointer's portable digest; a portable digest saves its own (no track).
   */
  private static Optional<Checkpointer.Track> track(LocalContentStore store, Ingest ingest,
      IngestHash hash, boolean resumable) throws IOException {
    if (!resumable || !(hash instanceof IngestHash.Jdk jdk)) {
      return Optional.empty();
    }
    return jdk.state().isPresent() ? store.checkpointer().saving(ingest)
        : store.checkpointer().follow(ingest, hash.algorithm);
  }

  @Override
  public void write(ByteBuffer bytes) {
    ensureOpen();
    ByteBuffer forHash = bytes.duplicate();
    int n = bytes.remaining();
    try {
      long at = offset;
      while (bytes.hasRemaining()) {
        at += data.write(bytes, at);
      }
    } catch (IOException e) {
      // Keep the file equal to what the digest saw, so the ingest stays resumable.
      try {
        data.truncate(offset);
      } catch (IOException ignored) {
        // The resume will re-read from the last checkpoint.
      }
      throw IoFailures.onWrite("writing ingest \"" + ingest.ref() + "\"", e);
    }
    hash.update(forHash);
    offset += n;
    if (store.checkpointInterval() > 0 && offset - lastCheckpoint >= store.checkpointInterval()) {
      if (hash instanceof IngestHash.Portable p) {
        checkpoint(p);
      } else if (track.isPresent()) {
        offerJdkState();
      }
    }
  }

  /** Hands the JDK digest's state to the checkpointer, which syncs the data and saves it. */
  private void offerJdkState() {
    Optional<byte[]> state = ((IngestHash.Jdk) hash).state();
    if (state.isPresent() && track.isPresent()) {
      track.get().offer(new Checkpoint(
          ingest.stamp(), Checkpoint.JDK, hash.algorithm, offset, state.get()));
      lastCheckpoint = offset;
    }
  }

  private void checkpoint(IngestHash.Portable p) {
    try {
      data.force(false);
      new Checkpoint(ingest.stamp(), Checkpoint.PORTABLE, p.algorithm, offset, p.state())
          .save(ingest.dir());
      lastCheckpoint = offset;
    } catch (IOException e) {
      throw IoFailures.onWrite("saving the hash state of ingest \"" + ingest.ref() + "\"", e);
    }
  }

  @Override
  public Digest digest() {
    ensureOpen();
    return hash.peek();
  }

  @Override
  public IngestStatus status() {
    ensureOpen();
    return new IngestStatus(ingest.ref(), offset, ingest.total(), ingest.startedAt(),
        lastWrite());
  }

  private Instant lastWrite() {
    try {
      Instant t = java.nio.file.Files.getLastModifiedTime(ingest.data()).toInstant();
      return t.isBefore(ingest.startedAt()) ? ingest.startedAt() : t;
    } catch (IOException e) {
      return ingest.startedAt();
    }
  }

  @Override
  public void truncate(long size) {
    ensureOpen();
    if (size != 0) {
      throw new InvalidRequestException("an ingest can only be truncated to 0, not " + size);
    }
    track.ifPresent(Checkpointer.Track::cancel);
    try {
      Checkpoint.delete(ingest.dir());
      data.truncate(0);
      offset = 0;
      lastCheckpoint = 0;
      hash = IngestHash.jdk(hash.algorithm);
      track = track(store, ingest, hash, resumable);
    } catch (IOException e) {
      throw IoFailures.onWrite("truncating ingest \"" + ingest.ref() + "\"", e);
    }
  }

  @Override
  public CommitResult commit(
      OptionalLong expectedSize, Optional<Digest> expectedDigest, Map<String, String> labels) {
    ensureOpen();
    Map<String, String> checked = Labels.copyOf(labels);
    if (expectedSize.isPresent() && expectedSize.getAsLong() != offset) {
      throw new SizeMismatchException("ingest \"" + ingest.ref() + "\" has " + offset
          + " bytes, expected " + expectedSize.getAsLong() + "; the ingest is kept");
    }
    Digest actual = hash.peek();
    if (expectedDigest.isPresent()) {
      Digest expected = expectedDigest.get();
      if (expected.algorithm() != actual.algorithm()) {
        actual = store.hashFile(ingest.data(), expected.algorithm());
      }
      if (!expected.equals(actual)) {
        throw new InvalidImageDataException("ingest \"" + ingest.ref() + "\" has digest "
            + actual + ", expected " + expected + "; the ingest is kept");
      }
    }
    track.ifPresent(Checkpointer.Track::cancel);
    try {
      data.force(true);
      CommitResult result = store.blobs().commit(ingest, actual, offset, checked);
      closed = true;
      data.close();
      store.removeIngest(ingest.dir());
      lock.close();
      return result;
    } catch (IOException e) {
      throw IoFailures.onWrite("committing ingest \"" + ingest.ref() + "\"", e);
    }
  }

  /** Closes the writer and removes its ingest: for adds that failed and will not resume. */
  void discard() {
    if (closed) {
      return;
    }
    closed = true;
    track.ifPresent(Checkpointer.Track::cancel);
    try {
      data.close();
    } catch (IOException e) {
      // Removed next.
    }
    store.removeIngest(ingest.dir());
    lock.close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (hash instanceof IngestHash.Jdk jdk) {
        store.suspend(ingest, offset, jdk);
        if (offset != lastCheckpoint) {
          offerJdkState();
        }
      } else if (hash instanceof IngestHash.Portable p && offset != lastCheckpoint
          && store.checkpointInterval() > 0) {
        checkpoint(p);
      }
    } catch (StowageException e) {
      // A resume re-reads from the last checkpoint instead.
    } finally {
      track.ifPresent(Checkpointer.Track::writerClosed);
      try {
        data.close();
      } catch (IOException e) {
        // Nothing to keep.
      }
      lock.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the writer of ingest \"" + ingest.ref() + "\" is closed");
    }
  }
}
