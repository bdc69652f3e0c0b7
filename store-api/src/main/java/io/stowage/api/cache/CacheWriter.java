package io.stowage.api.cache;


import java.nio.channels.WritableByteChannel;

/**
 * An image being written into the cache. Its bytes are invisible to readers until
 * {@link #commit()}. Exactly one of {@link #commit()} or {@link #abort(String)} ends it;
 * closing without either rolls the write back. Not thread-safe.
 */
public interface CacheWriter extends WritableByteChannel {

  /** Makes the image a cache entry with zero hits, and removes it from the queue. */
  void commit();

  /** Moves the partial data aside as invalid, recording {@code reason}. */
  void abort(String reason);
}
