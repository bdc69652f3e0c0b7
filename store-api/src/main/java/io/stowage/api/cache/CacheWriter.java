package io.stowage.api.cache;

import java.nio.channels.WritableByteChannel;

/**
 * An image being written into the cache, from {@link CacheDriver#openForWrite}. Its bytes are
 * invisible to readers until {@link #commit()}. Exactly one of {@link #commit()} or {@link
 * #abort(String)} ends it; {@link #close()} without either rolls the write back as an abandoned
 * one (the partial data is kept as invalid, reason {@code "incomplete fetch"}), and is a no-op
 * after either. Not thread-safe: one thread writes.
 *
 * <p>{@link #write} throws {@link io.stowage.api.StorageFullException}, {@link
 * io.stowage.api.WriteDeniedException} or {@link io.stowage.api.StoreIOException} (unchecked)
 * when the cache folder fails; the write is then already rolled back.
 */
public interface CacheWriter extends WritableByteChannel {

  /**
   * Checks the bytes written against the {@link ExpectedImage} the writer was opened with, then
   * makes them a cache entry with zero hits and removes the image from the queue.
   *
   * @throws io.stowage.api.SizeMismatchException the byte count differs from the expected
   *     size; the data is moved to invalid
   * @throws io.stowage.api.InvalidImageDataException a checksum differs; the data is moved to
   *     invalid
   * @throws IllegalStateException the writer was already committed or aborted
   */
  void commit();

  /** Moves the partial data aside as invalid, recording {@code reason}. Idempotent. */
  void abort(String reason);

  /** Bytes written so far. */
  long written();

  /** Rolls the write back unless it was committed or aborted. Never throws. */
  @Override
  void close();
}
