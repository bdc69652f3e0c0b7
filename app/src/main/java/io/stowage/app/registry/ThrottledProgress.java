package io.stowage.app.registry;

import io.stowage.api.ProgressListener;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProgressListener} that records an upload's progress in the registry at most once per
 * interval, so a store reporting every chunk costs one small write a second. Call
 * {@link #flush()} when the upload ends to record the final numbers.
 *
 * <p>The writes along the way run on one background thread shared by every upload of the JVM,
 * never on the uploading thread: a registry write waits for the database (an fsync, a lock
 * another writer holds — SQLite's busy handler sleeps up to 100 ms at a time), and with 16
 * uploads writing their progress from their own threads each upload stalled for seconds in
 * those waits. One writer thread also means this process's progress writes never contend with
 * each other. A report coalesces with the write still pending for the same upload.
 * {@link #flush()} writes on the calling thread, after any pending write, so the final numbers
 * are the last ones written.
 *
 * <p>Writes that fail are logged and dropped: progress is advisory and must never fail the
 * upload it describes. Thread-safe.
 */
public final class ThrottledProgress implements ProgressListener {
  /** The interval the upload path uses. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(ThrottledProgress.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "stowage-progress-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final ImageRegistry registry;
  private final String imageId;
  private final long intervalNanos;
  /** Held while a write runs, so writes of this upload happen one at a time, in order. */
  private final ReentrantLock writing = new ReentrantLock();
  private long lastWrite;
  private long latestBytes;
  private OptionalLong latestTotal = OptionalLong.empty();
  private boolean dirty;
  private boolean pending;

  /**
   * Starts recording: the image's progress is reset to zero bytes of {@code bytesTotal} now
   * (on the calling thread).
   *
   * @param bytesTotal the declared size, when known
   */
  public ThrottledProgress(
      ImageRegistry registry, String imageId, OptionalLong bytesTotal, Duration interval) {
    this.registry = registry;
    this.imageId = imageId;
    this.intervalNanos = interval.toNanos();
    this.latestTotal = bytesTotal;
    try {
      registry.startProgress(imageId, bytesTotal);
    } catch (RuntimeException e) {
      LOG.warn("cannot record the start of the upload of {}: {}", imageId, e.getMessage());
    }
    this.lastWrite = System.nanoTime();
  }

  @Override
  public void onProgress(long bytesWritten, OptionalLong declaredSize) {
    synchronized (this) {
      latestBytes = bytesWritten;
      if (declaredSize.isPresent()) {
        latestTotal = declaredSize;
      }
      dirty = true;
      long now = System.nanoTime();
      if (pending || now - lastWrite < intervalNanos) {
        return;
      }
      lastWrite = now;
      pending = true;
    }
    try {
      WRITER.execute(this::writeLatest);
    } catch (RuntimeException e) {
      synchronized (this) {
        pending = false;
      }
      LOG.warn("cannot record the progress of the upload of {}: {}", imageId, e.getMessage());
    }
  }

  /** Records the latest numbers if they were not written yet; on the calling thread. */
  public void flush() {
    writeLatest();
  }

  private void writeLatest() {
    writing.lock();
    try {
      long bytes;
      OptionalLong total;
      synchronized (this) {
        pending = false;
        if (!dirty) {
          return;
        }
        dirty = false;
        bytes = latestBytes;
        total = latestTotal;
      }
      registry.recordProgress(imageId, bytes, total);
    } catch (RuntimeException e) {
      LOG.warn("cannot record the progress of the upload of {}: {}", imageId, e.getMessage());
    } finally {
      writing.unlock();
    }
  }
}
