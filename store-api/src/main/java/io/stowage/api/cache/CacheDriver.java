package io.stowage.api.cache;

import io.stowage.api.ImageData;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An image cache: whole images kept close to the host, plus a queue of images waiting to be
 * cached — Glance's image-cache driver API. A {@link CacheDriverProvider} builds one per
 * configured {@code cache:} section.
 *
 * <p>Every entry is in exactly one state: <em>cached</em> (committed; readable), <em>being
 * cached</em> (a {@link CacheWriter} is open on it), <em>invalid</em> (a write failed; kept
 * for inspection until reaped), or absent. The queue is independent of those states, except
 * that committing an entry removes it from the queue.
 *
 * <p>Thread-safety: implementations are safe for concurrent use by many threads, and by many
 * processes sharing one cache folder. Hit counts are exact: every {@link #openForRead} that
 * finds an entry counts one hit, however many readers run at once. Last-access times are
 * recorded by the driver, not taken from the file system.
 *
 * <p>Errors: an image id that breaks {@link io.stowage.api.ImageIds}'s rule is an {@link
 * io.stowage.api.InvalidRequestException}; I/O failures are {@link
 * io.stowage.api.StorageFullException}, {@link io.stowage.api.WriteDeniedException} or {@link
 * io.stowage.api.StoreIOException}. Nothing returns {@code null}.
 */
public interface CacheDriver extends AutoCloseable {

  /** Total bytes of committed entries. */
  long totalSize();

  /** How many times the entry was opened for reading since it was committed; 0 if not cached. */
  long hits(String imageId);

  /** Every committed entry, ordered by image id. */
  List<CachedImage> cachedImages();

  /** The committed entry of {@code imageId}, if it is cached. */
  Optional<CachedImage> cachedImage(String imageId);

  /** Whether the image is a committed entry. */
  boolean isCached(String imageId);

  /** Whether a live writer is writing the image into the cache now. */
  boolean isBeingCached(String imageId);

  /** Whether the image waits in the queue. */
  boolean isQueued(String imageId);

  /** Whether a write of the image could start: it is neither cached nor being cached. */
  default boolean isCacheable(String imageId) {
    return !isCached(imageId) && !isBeingCached(imageId);
  }

  /**
   * Puts the image at the end of the queue.
   *
   * @return false, and nothing changes, if it is already cached, being cached or queued
   */
  boolean queue(String imageId);

  /** Queued image ids in the order they were queued, oldest first. */
  List<String> queuedImages();

  /**
   * Opens a committed entry for reading and counts one hit, recording now as its last access.
   * Empty if the image is not cached (an entry found damaged — say, truncated behind the
   * driver's back — is moved to invalid and reported as not cached).
   */
  Optional<ImageData> openForRead(String imageId);

  /**
   * Starts writing an entry. Its bytes stay invisible to readers until {@link
   * CacheWriter#commit()}, which checks them against {@code expected}.
   *
   * @throws io.stowage.api.LockedException another writer, in this or another process, is
   *     writing this image now (it is being cached)
   * @throws io.stowage.api.DuplicateException the image is already cached
   */
  CacheWriter openForWrite(String imageId, ExpectedImage expected);

  /** Removes a committed entry; false if there was none. */
  boolean delete(String imageId);

  /** Removes every committed entry and returns how many there were. */
  int deleteAll();

  /** Removes an image from the queue; false if it was not queued. */
  boolean dequeue(String imageId);

  /** Empties the queue and returns how many images it held. */
  int dequeueAll();

  /** The committed entry whose last access is oldest (ties broken by id), if any. */
  Optional<CachedImage> leastRecentlyAccessed();

  /**
   * Removes invalid entries (failed writes) older than {@code grace}; {@link Duration#ZERO}
   * removes all of them.
   *
   * @return how many were removed
   */
  int reapInvalid(Duration grace);

  /**
   * Removes stalled writes: partial entries untouched for longer than {@code grace}, and those
   * whose writer is gone (its process died), whatever their age.
   *
   * @return how many were removed
   */
  int reapStalled(Duration grace);

  /**
   * {@link #reapInvalid} with no grace, then {@link #reapStalled} with {@code stallTime}.
   *
   * @return how many were removed in all
   */
  default int clean(Duration stallTime) {
    return reapInvalid(Duration.ZERO) + reapStalled(stallTime);
  }

  /** Releases the driver's files; open readers and writers stay usable until closed. */
  @Override
  void close();
}
