package io.stowage.api.cache;



import io.stowage.api.ImageData;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An image cache: a bounded set of whole images kept close to the host, plus a queue of images
 * waiting to be cached (Glance's image-cache driver API).
 *
 * <p>Implementations are thread-safe and safe against other processes using the same folder:
 * concurrent reads of one image each count a hit.
 */
public interface CacheDriver extends AutoCloseable {

  /** Total bytes of committed entries. */
  long totalSize();

  /** Every committed entry. */
  List<CachedImage> cachedImages();

  /** Whether the image is a committed entry. */
  boolean isCached(String imageId);

  /** Whether a write of the image is under way. */
  boolean isBeingCached(String imageId);

  /** Whether the image waits in the queue. */
  boolean isQueued(String imageId);

  /**
   * Puts the image in the queue.
   *
   * @return false if it is already cached, being cached or queued
   */
  boolean queue(String imageId);

  /** Queued image ids, oldest first. */
  List<String> queuedImages();

  /** Opens a committed entry for reading and counts a hit; empty if not cached. */
  Optional<ImageData> openForRead(String imageId);

  /**
   * Starts writing an entry.
   *
   * @throws LockedException another writer is writing this image
   */
  CacheWriter openForWrite(String imageId);

  /** Removes a committed entry; false if there was none. */
  boolean delete(String imageId);

  /** Removes every committed entry and returns how many there were. */
  int deleteAll();

  /** Removes an image from the queue; false if it was not queued. */
  boolean dequeue(String imageId);

  /** Empties the queue and returns how many entries it had. */
  int dequeueAll();

  /** The committed entry accessed least recently, if any. */
  Optional<CachedImage> leastRecentlyAccessed();

  /**
   * Removes invalid entries, and writes idle for longer than {@code stallTime}.
   *
   * @return how many were removed
   */
  int clean(Duration stallTime);

  @Override
  default void close() {}
}
