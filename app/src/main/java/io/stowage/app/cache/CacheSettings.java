package io.stowage.app.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.DataSize;
import io.stowage.app.config.ConfigLoader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The host's part of the {@code cache:} section; the rest goes to the driver.
 *
 * @param driver which {@code CacheDriverProvider} to use ({@code xattr})
 * @param maxSize what the pruner prunes down to (Glance's {@code image_cache_max_size}); 10 GiB
 * @param stallTime how old a partial write must be before the cleaner removes it (Glance's
 *     {@code image_cache_stall_time}); 1 day
 * @param pruneInterval how often the pruner runs in {@code stowage serve}; absent: never
 * @param cleanInterval how often the cleaner runs; absent: never
 * @param prefetchInterval how often queued images are fetched into the cache; absent: never
 */
public record CacheSettings(String driver, DataSize maxSize, Duration stallTime,
    Optional<Duration> pruneInterval, Optional<Duration> cleanInterval,
    Optional<Duration> prefetchInterval) {

  /** Keys the host reads; every other key is the driver's. */
  static final List<String> HOST_KEYS = List.of(
      "driver", "max_size", "stall_time", "prune_interval", "clean_interval", "prefetch_interval");

  /** What Jackson binds the host's keys to. */
  record Keys(String driver, DataSize maxSize, Duration stallTime, Duration pruneInterval,
      Duration cleanInterval, Duration prefetchInterval) {}

  /**
   * The host's settings from {@code section}, which loses those keys.
   *
   * @throws BadStoreConfigurationException (paths under {@code cache}) a value is wrong
   */
  static CacheSettings take(ObjectNode section, ConfigLoader loader) {
    ObjectNode mine = section.objectNode();
    for (String key : HOST_KEYS) {
      if (section.has(key)) {
        mine.set(key, section.remove(key));
      }
    }
    Keys keys = loader.bind(mine, Keys.class, "cache");
    if (keys.driver() == null || keys.driver().isBlank()) {
      throw new BadStoreConfigurationException("cache.driver", "no cache driver is set (xattr)");
    }
    for (Duration d : new Duration[] {keys.stallTime(), keys.pruneInterval(),
        keys.cleanInterval(), keys.prefetchInterval()}) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new BadStoreConfigurationException("cache", "durations must be positive: " + d);
      }
    }
    return new CacheSettings(keys.driver(),
        keys.maxSize() == null ? DataSize.ofBytes(10L << 30) : keys.maxSize(),
        keys.stallTime() == null ? Duration.ofDays(1) : keys.stallTime(),
        Optional.ofNullable(keys.pruneInterval()), Optional.ofNullable(keys.cleanInterval()),
        Optional.ofNullable(keys.prefetchInterval()));
  }
}
