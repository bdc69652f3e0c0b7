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
 * The writer of one ingest. The caller's thread copies each write into a {@link WritePipeline},
 * whose thread appends it to the data file, and hashes it meanwhile: ingest time is about the
 * hashing time. How the digest resumes:
 * <ul>
 *   <li>written with the JDK digest: closing hands a clone of it to the store, so a writer reopened
 *       in this process continues without reading anything; every checkpoint interval its state is
 *       handed to the {@link Checkpointer} (after the bytes it covers are in the file), which
 *       syncs the data and saves it for a restart; when the state cannot be read, the
 *       checkpointer follows the file with the portable digest instead;
 *   <li>resumed after a restart from a portable checkpoint: the portable digest continues, and
 *       this writer saves its own checkpoints every interval (and on close).
 * </ul>
 * A failed write closes the writer (the lock is released); the file then holds a prefix of what
 * was written, which the next writer resumes from its last checkpoint.
 */
final class IngestWriter implements ContentWriter {
  private final Ingests ingests;
  private final RefLocks.Held lock;
  private final Ingest ingest;
  private final FileChannel data;
  private WritePipeline pipeline;
  private IngestHash hash;
  private long offset;
  private Optional<Checkpointer.Track> track;
  private long lastCheckpoint;
  private boolean closed;

  private final boolean resumable;

  IngestWriter(Ingests ingests, RefLocks.Held lock, Ingest ingest, IngestHash hash,
      long offset, boolean resumable) throws IOException {
    this.resumable = resumable;
    this.ingests = ingests;
    this.lock = lock;
    this.ingest = ingest;
    this.hash = hash;
    this.offset = offset;
    this.lastCheckpoint = offset;
    this.data = FileChannel.open(ingest.data(), StandardOpenOption.WRITE);
    try {
      this.track = track(ingests, ingest, hash, resumable);
    } catch (IOException | RuntimeException e) {
      data.close();
      throw e;
    }
    this.pipeline = newPipeline(offset);
  }

  private WritePipeline newPipeline(long at) {
    return new WritePipeline(data, at,
        "stowage-content-write-" + ingests.storeId() + "-" + ingest.dir().getFileName());
  }

  /**
   * How this writer's checkpoints are made: a JDK digest whose state can be read offers its
   * states to the checkpointer to sync and save; one whose state cannot is followed by the
   * checkpointer's portable digest; a portable digest saves its own (no track).
   */
  private static Optional<Checkpointer.Track> track(Ingests ingests, Ingest ingest,
      IngestHash hash, boolean resumable) throws IOException {
    if (!resumable || !(hash instanceof IngestHash.Jdk jdk)) {
      return Optional.empty();
    }
    return jdk.state().isPresent() ? ingests.checkpointer().saving(ingest)
        : ingests.checkpointer().follow(ingest, hash.algorithm);
  }

  @Override
  public void write(ByteBuffer bytes) {
    ensureOpen();
    ByteBuffer forHash = bytes.duplicate();
    int n = bytes.remaining();
    try {
      pipeline.write(bytes);
    } catch (IOException e) {
      failed();
      throw IoFailures.onWrite("writing ingest \"" + ingest.ref() + "\"", e);
    } catch (RuntimeException e) {
      failed();
      throw e;
    }
    // Meanwhile the pipeline's thread writes what was copied.
    hash.update(forHash);
    offset += n;
    if (ingests.checkpointInterval() > 0
        && offset - lastCheckpoint >= ingests.checkpointInterval()) {
      if (hash instanceof IngestHash.Portable p) {
        checkpoint(p);
      } else if (track.isPresent()) {
        offerJdkState();
      }
    }
  }

  /**
   * Hands the JDK digest's state to the checkpointer, once the bytes it covers are in the file;
   * the checkpointer syncs the data and saves it.
   */
  private void offerJdkState() {
    Optional<byte[]> state = ((IngestHash.Jdk) hash).state();
    if (state.isPresent() && track.isPresent()) {
      Checkpoint c = new Checkpoint(ingest.stamp(), Checkpoint.JDK, hash.algorithm, offset,
          state.get());
      Checkpointer.Track t = track.get();
      try {
        pipeline.mark(() -> t.offer(c));
      } catch (IOException e) {
        failed();
        throw IoFailures.onWrite("writing ingest \"" + ingest.ref() + "\"", e);
      }
      lastCheckpoint = offset;
    }
  }

  private void checkpoint(IngestHash.Portable p) {
    try {
      pipeline.drain();
    } catch (IOException e) {
      failed();
      throw IoFailures.onWrite("writing ingest \"" + ingest.ref() + "\"", e);
    }
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
    pipeline.close();
    try {
      Checkpoint.delete(ingest.dir());
      data.truncate(0);
      offset = 0;
      lastCheckpoint = 0;
      hash = IngestHash.jdk(hash.algorithm);
      pipeline = newPipeline(0);
      track = track(ingests, ingest, hash, resumable);
    } catch (IOException e) {
      failed();
      throw IoFailures.onWrite("truncating ingest \"" + ingest.ref() + "\"", e);
    }
  }

  @Override
  public CommitResult commit(
      OptionalLong expectedSize, Optional<Digest> expectedDigest, Map<String, String> labels) {
    Map<String, String> checked = Labels.copyOf(labels);
    return publish(seal(expectedSize, expectedDigest), checked);
  }

  /**
   * The first half of a commit: checks the size and digest (a mismatch keeps the ingest and the
   * writer open), then waits for the writes and syncs the data. Returns the digest to
   * {@link #publish} under.
   */
  Digest seal(OptionalLong expectedSize, Optional<Digest> expectedDigest) {
    ensureOpen();
    if (expectedSize.isPresent() && expectedSize.getAsLong() != offset) {
      throw new SizeMismatchException("ingest \"" + ingest.ref() + "\" has " + offset
          + " bytes, expected " + expectedSize.getAsLong() + "; the ingest is kept");
    }
    try {
      pipeline.drain();
    } catch (IOException e) {
      failed();
      throw IoFailures.onWrite("writing ingest \"" + ingest.ref() + "\"", e);
    }
    Digest actual = hash.peek();
    if (expectedDigest.isPresent()) {
      Digest expected = expectedDigest.get();
      if (expected.algorithm() != actual.algorithm()) {
        actual = ingests.hashFile(ingest.data(), expected.algorithm());
      }
      if (!expected.equals(actual)) {
        throw new InvalidImageDataException("ingest \"" + ingest.ref() + "\" has digest "
            + actual + ", expected " + expected + "; the ingest is kept");
      }
    }
    try {
      data.force(true);
    } catch (IOException e) {
      throw IoFailures.onWrite("committing ingest \"" + ingest.ref() + "\"", e);
    }
    return actual;
  }

  /**
   * The second half of a commit, after {@link #seal}: the data becomes the blob {@code digest}
   * (or the labels are added to it if it exists) and the ingest is removed.
   */
  CommitResult publish(Digest digest, Map<String, String> labels) {
    ensureOpen();
    track.ifPresent(Checkpointer.Track::cancel);
    try {
      CommitResult result = ingests.blobs().commit(ingest, digest, offset, labels);
      closed = true;
      pipeline.close();
      data.close();
      ingests.remove(ingest.dir());
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
    pipeline.close();
    try {
      data.close();
    } catch (IOException e) {
      // Removed next.
    }
    ingests.remove(ingest.dir());
    lock.close();
  }

  /**
   * After a failed write: stops, keeps the file (a prefix of what was written) and the last
   * checkpoint for a resume, and releases the ref. The digest, ahead of the file, is dropped.
   */
  private void failed() {
    if (closed) {
      return;
    }
    closed = true;
    pipeline.close();
    track.ifPresent(Checkpointer.Track::writerClosed);
    try {
      data.close();
    } catch (IOException e) {
      // Nothing to keep.
    }
    lock.close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      pipeline.drain();
    } catch (IOException | RuntimeException e) {
      failed(); // the file is a prefix: a resume re-reads from the last checkpoint
      return;
    }
    closed = true;
    try {
      if (hash instanceof IngestHash.Jdk jdk) {
        ingests.suspend(ingest, offset, jdk);
        if (offset != lastCheckpoint) {
          Optional<byte[]> state = jdk.state();
          if (state.isPresent() && track.isPresent()) {
            track.get().offer(new Checkpoint(
                ingest.stamp(), Checkpoint.JDK, hash.algorithm, offset, state.get()));
          }
        }
      } else if (hash instanceof IngestHash.Portable p && offset != lastCheckpoint
          && ingests.checkpointInterval() > 0) {
        checkpoint(p);
      }
    } catch (StowageException e) {
      // A resume re-reads from the last checkpoint instead.
    } finally {
      pipeline.close();
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
