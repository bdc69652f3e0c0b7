package io.stowage.app.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.ByteRange;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.InstanceContext;
import io.stowage.api.LockedException;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CacheDriverProvider;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.app.Host;
import io.stowage.app.config.ConfigLoader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's image cache: the configured {@link CacheDriver} plus what Glance's cache middleware,
 * prefetcher, pruner and cleaner do with it. Thread-safe (the driver is).
 *
 * <p>The read path never fails because of the cache: a cache that cannot be read or written
 * (full disk, damaged entry, denied write) is logged, once per failure, and the caller gets the
 * store's bytes.
 */
public final class ImageCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageCache.class);

  private final CacheDriver driver;
  private final CacheSettings settings;
  /** Glance's cache worker: one thread, started when there is work, gone when idle. */
  private final ThreadPoolExecutor worker = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "stowage-cache-fetch");
        t.setDaemon(true);
        return t;
      });

  ImageCache(CacheDriver driver, CacheSettings settings) {
    this.driver = driver;
    this.settings = settings;
  }

  /**
   * The cache the host's {@code cache:} section configures; empty when there is none.
   *
   * @throws BadStoreConfigurationException (paths under {@code cache}) the section is wrong, no
   *     started plugin provides its driver, or the driver refuses its folder
   */
  public static Optional<ImageCache> open(Host host) {
    Optional<ObjectNode> section = host.config().cache();
    if (section.isEmpty()) {
      return Optional.empty();
    }
    ConfigLoader loader = new ConfigLoader();
    ObjectNode rest = section.get().deepCopy();
    CacheSettings settings = CacheSettings.take(rest, loader);
    @SuppressWarnings("rawtypes")
    List<CacheDriverProvider> providers = host.plugins().extensions(CacheDriverProvider.class);
    for (@SuppressWarnings("rawtypes") CacheDriverProvider provider : providers) {
      if (provider.driver().equals(settings.driver())) {
        return Optional.of(new ImageCache(create(provider, rest, loader, host), settings));
      }
    }
    throw new BadStoreConfigurationException("cache.driver", "no started plugin provides cache "
        + "driver \"" + settings.driver() + "\"" + (providers.isEmpty() ? "" : " (available: "
        + providers.stream().map(p -> p.driver()).collect(Collectors.joining(", ")) + ")"));
  }

  /** The provider's driver; the plugin boundary proxies it and what it returns. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static CacheDriver create(CacheDriverProvider provider, ObjectNode rest,
      ConfigLoader loader, Host host) {
    try {
      return provider.create(loader.bind(rest, provider.configType(), "cache"),
          new InstanceContext("cache", host.config().baseDir()));
    } catch (BadStoreConfigurationException e) {
      throw e.path().startsWith("cache") ? e : e.under("cache");
    }
  }

  /** The driver, for what this class does not wrap. */
  public CacheDriver driver() {
    return driver;
  }

  public CacheSettings settings() {
    return settings;
  }

  /**
   * The image's bytes, from the cache when it holds them; otherwise from {@code store}, teed into
   * the cache as the caller reads them and committed when the caller has read every byte and they
   * match {@code expected}. A range other than {@link ByteRange#ALL} is read from the store and
   * never cached (as Glance does). A cache failure falls back to the store.
   *
   * @param store opens the image in its store (whole, or {@code range}); its failures are the
   *     caller's
   */
  public ImageData open(String imageId, ExpectedImage expected, ByteRange range,
      Supplier<ImageData> store) {
    if (!range.equals(ByteRange.ALL)) {
      return store.get();
    }
    try {
      Optional<ImageData> hit = driver.openForRead(imageId);
      if (hit.isPresent()) {
        return hit.get();
      }
    } catch (RuntimeException e) {
      failed("reading image " + imageId + " from the cache", e);
    }
    ImageData data = store.get();
    CacheWriter writer;
    try {
      writer = driver.openForWrite(imageId, expected);
    } catch (LockedException | DuplicateException e) {
      return data; // another download is filling the entry, or just did
    } catch (RuntimeException e) {
      failed("starting to cache image " + imageId, e);
      return data;
    }
    return new TeeImageData(imageId, data, writer, this::failed);
  }

  /** Queues the image for the prefetcher; false if it is cached, being cached or queued. */
  public boolean queue(String imageId) {
    return driver.queue(imageId);
  }

  /** Removes the image's entry and its place in the queue (an image deleted). */
  public void evict(String imageId) {
    driver.delete(imageId);
    driver.dequeue(imageId);
  }

  /** What {@link #clear} empties (Glance's {@code x-image-cache-clear-target}). */
  public enum Target { CACHE, QUEUE, BOTH }

  /** How many entries and queued images {@link #clear} removed. */
  public record Cleared(int cached, int queued) {}

  public Cleared clear(Target target) {
    int cached = target == Target.QUEUE ? 0 : driver.deleteAll();
    int queued = target == Target.CACHE ? 0 : driver.dequeueAll();
    return new Cleared(cached, queued);
  }

  /** What the pruner removed. */
  public record Pruned(int images, long bytes, long sizeAfter) {}

  /** Glance's pruner: least recently accessed entries first, until at most {@code maxSize}. */
  public Pruned prune(long maxSize) {
    long size = driver.totalSize();
    int images = 0;
    long bytes = 0;
    Optional<CachedImage> entry = driver.leastRecentlyAccessed();
    while (entry.isPresent() && size > maxSize) {
      if (driver.delete(entry.get().imageId())) {
        images++;
        bytes += entry.get().size();
      }
      size = driver.totalSize();
      entry = driver.leastRecentlyAccessed();
    }
    if (images > 0) {
      LOG.info("pruned {} cached images ({} bytes) to stay under {} bytes", images, bytes, maxSize);
    }
    return new Pruned(images, bytes, size);
  }

  /** {@link #prune(long)} to the configured {@code max_size}. */
  public Pruned prune() {
    return prune(settings.maxSize().bytes());
  }

  /** Glance's cleaner: all invalid entries and writes stalled past the configured time. */
  public int clean() {
    return driver.clean(settings.stallTime());
  }

  /** Where the prefetcher finds a queued image's bytes. */
  public interface ImageSource {
    /** The image, if it still exists and has data; empty drops it from the queue. */
    Optional<Fetch> find(String imageId);
  }

  /** A queued image's expected size and checksums, and how to open its bytes. */
  public record Fetch(ExpectedImage expected, Supplier<ImageData> data) {}

  /**
   * Glance's prefetcher: caches every queued image, oldest first, from {@code source}. An image
   * the source no longer has leaves the queue; one that fails stays queued for the next run.
   *
   * @return how many images were cached
   */
  public int prefetch(ImageSource source) {
    int cached = 0;
    for (String id : driver.queuedImages()) {
      if (driver.isCached(id)) {
        driver.dequeue(id);
        continue;
      }
      Optional<Fetch> fetch = source.find(id);
      if (fetch.isEmpty()) {
        driver.dequeue(id);
        continue;
      }
      try (CacheWriter writer = driver.openForWrite(id, fetch.get().expected());
          ImageData data = fetch.get().data().get()) {
        data.transferTo(writer);
        writer.commit();
        cached++;
      } catch (LockedException | DuplicateException e) {
        // Being cached by a download right now.
      } catch (RuntimeException e) {
        failed("prefetching image " + id, e);
      }
    }
    return cached;
  }

  /**
   * Runs the prefetcher soon on a background thread, as Glance's API does for an image queued
   * through it (it is fetched at once, not at the next scheduled run). Failures are logged.
   */
  public void prefetchSoon(ImageSource source) {
    try {
      worker.execute(() -> {
        try {
          prefetch(source);
        } catch (RuntimeException e) {
          failed("prefetching queued images", e);
        }
      });
    } catch (RejectedExecutionException e) {
      // Closed: the image stays queued for the next prefetcher run.
    }
  }

  /** Logs a cache failure, one line, once. */
  void failed(String what, RuntimeException e) {
    LOG.warn("image cache: {} failed, serving from the store instead: {}", what, e.getMessage());
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    driver.close();
  }
}
