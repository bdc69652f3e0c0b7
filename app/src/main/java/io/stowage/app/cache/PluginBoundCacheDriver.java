package io.stowage.app.cache;

import io.stowage.api.ImageData;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.app.plugin.Contribution;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A plugin's cache driver, called with the plugin's class loader as context class loader. */
final class PluginBoundCacheDriver implements CacheDriver {
  private final CacheDriver delegate;
  private final ClassLoader loader;

  PluginBoundCacheDriver(CacheDriver delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  private <R> R in(Supplier<R> call) {
    return Contribution.withContextLoader(loader, call);
  }

  @Override public long totalSize() { return in(delegate::totalSize); }
  @Override public long hits(String id) { return in(() -> delegate.hits(id)); }
  @Override public List<CachedImage> cachedImages() { return in(delegate::cachedImages); }
  @Override public Optional<CachedImage> cachedImage(String id) { return in(() -> delegate.cachedImage(id)); }
  @Override public boolean isCached(String id) { return in(() -> delegate.isCached(id)); }
  @Override public boolean isBeingCached(String id) { return in(() -> delegate.isBeingCached(id)); }
  @Override public boolean isQueued(String id) { return in(() -> delegate.isQueued(id)); }
  @Override public boolean isCacheable(String id) { return in(() -> delegate.isCacheable(id)); }
  @Override public boolean queue(String id) { return in(() -> delegate.queue(id)); }
  @Override public List<String> queuedImages() { return in(delegate::queuedImages); }
  @Override public Optional<ImageData> openForRead(String id) { return in(() -> delegate.openForRead(id)); }

  @Override
  public CacheWriter openForWrite(String id, ExpectedImage expected) {
    return in(() -> delegate.openForWrite(id, expected));
  }

  @Override public boolean delete(String id) { return in(() -> delegate.delete(id)); }
  @Override public int deleteAll() { return in(delegate::deleteAll); }
  @Override public boolean dequeue(String id) { return in(() -> delegate.dequeue(id)); }
  @Override public int dequeueAll() { return in(delegate::dequeueAll); }
  @Override public Optional<CachedImage> leastRecentlyAccessed() { return in(delegate::leastRecentlyAccessed); }
  @Override public int reapInvalid(Duration grace) { return in(() -> delegate.reapInvalid(grace)); }
  @Override public int reapStalled(Duration grace) { return in(() -> delegate.reapStalled(grace)); }
  @Override public int clean(Duration stallTime) { return in(() -> delegate.clean(stallTime)); }

  @Override
  public void close() {
    in(() -> {
      delegate.close();
      return null;
    });
  }
}
