package io.stowage.content;

import io.stowage.api.content.DigestAlgorithm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves resumable hash states of ingests written with the JDK's (unsavable) digest. One
 * background thread per store follows each such ingest's data file, feeds the bytes the writer
 * has appended to a portable digest, and every {@code interval} bytes syncs the data and saves a
 * {@link Checkpoint}. The writer never waits for it; after the writer closes, it catches up to the
 * end of the data and saves a last state. A resume after a restart then re-reads only the bytes
 * past the last checkpoint.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  private static final int CHUNK = 1 << 20;
  private static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(30);

  private final long interval;
  private final List<Track> tracks = new CopyOnWriteArrayList<>();
  private final ReentrantLock signalLock = new ReentrantLock();
  private final Condition work = signalLock.newCondition();
  private final Thread thread;
  private volatile boolean closed;

  /** The checkpointing of one ingest. */
  final class Track {
    private final Ingest ingest;
    private final FileChannel data;
    private final ReentrantLock lock = new ReentrantLock();
    private IngestHash.Portable hash; // null: the writer hands in saved JDK states
    /** Set by the writer's thread without waiting: the lock is held across fsyncs. */
    private final AtomicReference<Checkpoint> pending = new AtomicReference<>();
    private long offset;
    private long saved;
    private volatile boolean writerOpen = true;
    private boolean cancelled;

    private Track(Ingest ingest, FileChannel data, IngestHash.Portable hash, long offset) {
      this.ingest = ingest;
      this.data = data;
      this.hash = hash;
      this.offset = offset;
      this.saved = offset;
    }

    /** The writer closed without committing: catch up, save, and stop. */
    void writerClosed() {
      writerOpen = false;
      signal();
    }

    /** Stop now; after this returns the track touches nothing. Idempotent. */
    void cancel() {
      lock.lock();
      try {
        cancelled = true;
        tracks.remove(this);
        try {
          data.close();
        } catch (IOException e) {
          // Only a read channel.
        }
      } finally {
        lock.unlock();
      }
    }

    /** A state the writer saved (JDK digests): synced and written by the background thread. */
    void offer(Checkpoint checkpoint) {
      pending.set(checkpoint);
      signal();
    }

    /** Saves a pending state; true if it did. */
    private boolean save() throws IOException {
      // Read before the pending state: the writer offers its last state before it closes.
      boolean open = writerOpen;
      Checkpoint next = pending.getAndSet(null);
      if (next == null) {
        if (!open) {
          cancelled = true;
          tracks.remove(this);
          data.close();
        }
        return false;
      }
      data.force(false);
      next.save(ingest.dir());
      return true;
    }

    /** Hashes up to one chunk, or saves; true if it did work. */
    private boolean step() {
      lock.lock();
      try {
        if (cancelled) {
          return false;
        }
        if (hash == null) {
          return save();
        }
        long size = data.size();
        if (offset < size) {
          ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, size - offset));
          while (buffer.hasRemaining()) {
            int n = data.read(buffer, offset + buffer.position());
            if (n < 0) {
              break;
            }
          }
          buffer.flip();
          offset += buffer.remaining();
          hash.update(buffer);
        }
        boolean caughtUp = offset >= size;
        if (offset - saved >= interval || (!writerOpen && caughtUp && offset != saved)) {
          data.force(false);
          new Checkpoint(ingest.stamp(), Checkpoint.PORTABLE, hash.algorithm, offset, hash.state())
              .save(ingest.dir());
          saved = offset;
        }
        if (!writerOpen && caughtUp) {
          cancelled = true;
          tracks.remove(this);
          data.close();
          return false;
        }
        return !caughtUp;
      } catch (IOException e) {
        // The ingest was committed or removed under us, or the disk failed: no checkpoint.
        LOG.debug("checkpointing {} stopped: {}", ingest.dir(), e.toString());
        cancelled = true;
        tracks.remove(this);
        return false;
      } finally {
        lock.unlock();
      }
    }
  }

  Checkpointer(String storeId, long interval) {
    this.interval = interval;
    this.thread = new Thread(this::run, "stowage-content-checkpoint-" + storeId);
    thread.setDaemon(true);
    if (interval > 0) {
      thread.start();
    }
  }

  /**
   * Starts following {@code ingest}, whose data the JDK digest has hashed up to {@code size}:
   * from its saved checkpoint when there is a valid one, else from byte 0. Empty when
   * checkpoints are off.
   */
  Optional<Track> follow(Ingest ingest, DigestAlgorithm algorithm) throws IOException {
    if (interval <= 0 || closed) {
      return Optional.empty();
    }
    FileChannel data = FileChannel.open(ingest.data(), StandardOpenOption.READ);
    Optional<Checkpoint> saved = Checkpoint.load(ingest.dir(), ingest.stamp())
        .filter(c -> c.kind().equals(Checkpoint.PORTABLE) && c.algorithm() == algorithm
            && c.offset() <= sizeOf(data));
    IngestHash.Portable hash = saved.flatMap(c -> IngestHash.restore(algorithm, c.state()))
        .orElseGet(() -> IngestHash.portable(algorithm));
    long from = saved.isPresent() && saved.flatMap(c -> IngestHash.restore(algorithm, c.state()))
        .isPresent() ? saved.get().offset() : 0;
    Track track = new Track(ingest, data, hash, from);
    tracks.add(track);
    signal();
    return Optional.of(track);
  }

  /**
   * Starts saving the states a writer with a saveable JDK digest offers (no hashing here). Empty
   * when checkpoints are off.
   */
  Optional<Track> saving(Ingest ingest) throws IOException {
    if (interval <= 0 || closed) {
      return Optional.empty();
    }
    Track track = new Track(ingest, FileChannel.open(ingest.data(), StandardOpenOption.READ),
        null, 0);
    tracks.add(track);
    return Optional.of(track);
  }

  private static long sizeOf(FileChannel channel) {
    try {
      return channel.size();
    } catch (IOException e) {
      return -1;
    }
  }

  void signal() {
    signalLock.lock();
    try {
      work.signalAll();
    } finally {
      signalLock.unlock();
    }
  }

  private void run() {
    while (!closed) {
      boolean worked = false;
      for (Track t : tracks) {
        worked |= t.step();
      }
      if (!worked) {
        signalLock.lock();
        try {
          work.await(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        } finally {
          signalLock.unlock();
        }
      }
    }
  }

  /**
   * Stops the thread. Ingests whose writers closed get up to {@code DRAIN} to catch up and save
   * their last state (so that a clean shutdown leaves nothing to re-read); the others keep their
   * last saved checkpoint.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + DRAIN.toNanos();
    while (thread.isAlive() && System.nanoTime() < deadline
        && tracks.stream().anyMatch(t -> !t.writerOpen)) {
      signal();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closed = true;
    thread.interrupt();
    for (Track t : tracks) {
      t.cancel();
    }
  }
}
