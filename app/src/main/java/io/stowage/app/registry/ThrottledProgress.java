package io.stowage.app.registry;

import io.stowage.api.ProgressListener;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProgressListener} that records an upload's progress in the registry at most once per
 * interval (the first report is written at once), so a store reporting every chunk costs one
 * small write a second. Call {@link #flush()} when the upload ends to record the final numbers.
 *
 * <p>Writes that fail are logged and dropped: progress is advisory and must never fail the
 * upload it describes. Reports come from the uploading thread; {@link #flush()} may be called
 * from another, so both are synchronized.
 */
public final class ThrottledProgress implements ProgressListener {
  /** The interval the upload path uses. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(ThrottledProgress.class);

  private final ImageRegistry registry;
  private final String imageId;
  private final long intervalNanos;
  private long lastWrite;
  private boolean wroteAny;
  private long latestBytes;
  private OptionalLong latestTotal = OptionalLong.empty();
  private boolean dirty;

  /**
   * Starts recording: the image's progress is reset to zero bytes of {@code bytesTotal} now.
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
    this.wroteAny = true;
  }

  @Override
  public synchronized void onProgress(long bytesWritten, OptionalLong declaredSize) {
    latestBytes = bytesWritten;
    if (declaredSize.isPresent()) {
      latestTotal = declaredSize;
    }
    dirty = true;
    long now = System.nanoTime();
    if (!wroteAny || now - lastWrite >= intervalNanos) {
      write(now);
    }
  }

  /** Records the latest numbers if the last report was not written yet. */
  public synchronized void flush() {
    if (dirty) {
      write(System.nanoTime());
    }
  }

  private void write(long now) {
    lastWrite = now;
    wroteAny = true;
    dirty = false;
    try {
      registry.recordProgress(imageId, latestBytes, latestTotal);
    } catch (RuntimeException e) {
      LOG.warn("cannot record the progress of the upload of {}: {}", imageId, e.getMessage());
    }
  }
}
