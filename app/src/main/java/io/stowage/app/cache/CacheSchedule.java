package io.stowage.app.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pruner, cleaner and prefetcher of a long-running host ({@code stowage serve}), each on
 * its configured interval ({@code prune_interval}, {@code clean_interval},
 * {@code prefetch_interval}; absent means never), on one daemon thread so they never overlap.
 * A run that fails is logged and the next one runs as planned. Close to stop.
 */
public final class CacheSchedule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CacheSchedule.class);

  private final ScheduledExecutorService executor;

  private CacheSchedule(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /**
   * Starts the tasks {@code cache}'s settings ask for; the prefetcher only with a {@code source}
   * (the image service's view of where images are).
   */
  public static CacheSchedule start(ImageCache cache, Optional<ImageCache.ImageSource> source) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stowage-cache-schedule");
      t.setDaemon(true);
      return t;
    });
    CacheSettings s = cache.settings();
    s.pruneInterval().ifPresent(every -> every(executor, every, "prune", cache::prune));
    s.cleanInterval().ifPresent(every -> every(executor, every, "clean", cache::clean));
    source.ifPresent(src -> s.prefetchInterval()
        .ifPresent(every -> every(executor, every, "prefetch", () -> cache.prefetch(src))));
    return new CacheSchedule(executor);
  }

  private static void every(ScheduledExecutorService executor, Duration interval, String name,
      Runnable task) {
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("image cache {} failed: {}", name, e.getMessage());
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
