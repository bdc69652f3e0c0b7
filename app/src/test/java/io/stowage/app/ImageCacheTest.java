package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's image cache over the real xattr plugin jar: read-through, prune, clean, prefetch. */
class ImageCacheTest {
  @TempDir Path home;
  private Host host;
  private ImageCache cache;
  private final AtomicInteger storeReads = new AtomicInteger();

  @BeforeEach
  void boot() throws IOException {
    Path config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        cache:
          driver: xattr
          dir: cache
          max_size: 1MiB
          stall_time: 1h
        """.formatted(DistributionTest.PLUGINS.toAbsolutePath()));
    ConfigLoader loader = new ConfigLoader();
    host = Host.boot(loader.load(config), loader);
    cache = ImageCache.open(host).orElseThrow();
  }

  @AfterEach
  void close() {
    cache.close();
    host.close();
  }

  static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static String md5(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  /** The store's side: the image's bytes, counting how often the store was asked. */
  Supplier<ImageData> store(byte[] data) {
    return () -> {
      storeReads.incrementAndGet();
      ReadableByteChannel channel = Channels.newChannel(new ByteArrayInputStream(data));
      return new ImageData() {
        @Override
        public long size() {
          return data.length;
        }

        @Override
        public ReadableByteChannel channel() {
          return channel;
        }

        @Override
        public void close() {}
      };
    };
  }

  static byte[] readAll(ImageData data) throws IOException {
    try (data) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(10_000);
      while (data.channel().read(buffer) >= 0) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return out.toByteArray();
    }
  }

  @Test
  void aFullDownloadFillsTheCacheAndTheNextIsServedFromIt() throws Exception {
    byte[] data = bytes(300_000, 1);
    ExpectedImage expected = ExpectedImage.unknown().withSize(data.length).withMd5(md5(data));
    assertThat(readAll(cache.open("img", expected, ByteRange.ALL, store(data)))).isEqualTo(data);
    assertThat(cache.driver().isCached("img")).as("cached after a whole download").isTrue();
    assertThat(readAll(cache.open("img", expected, ByteRange.ALL, store(data)))).isEqualTo(data);
    assertThat(storeReads).as("store reads").hasValue(1);
    assertThat(cache.driver().hits("img")).isEqualTo(1);
  }

  @Test
  void rangedRequestsAreNeitherServedFromNorWrittenToTheCache() throws Exception {
    byte[] data = bytes(1000, 2);
    readAll(cache.open("img", ExpectedImage.unknown(), ByteRange.of(0, 10), store(data)));
    assertThat(cache.driver().isCached("img")).isFalse();
    readAll(cache.open("img", ExpectedImage.unknown(), ByteRange.ALL, store(data)));
    readAll(cache.open("img", ExpectedImage.unknown(), ByteRange.of(5, 10), store(data)));
    assertThat(storeReads).as("store reads: ranged ones always go to the store").hasValue(3);
    assertThat(cache.driver().hits("img")).isZero();
  }

  @Test
  void aDownloadStoppedEarlyOrWithTheWrongChecksumIsNotCached() throws Exception {
    byte[] data = bytes(200_000, 3);
    ImageData partial = cache.open("img", ExpectedImage.unknown(), ByteRange.ALL, store(data));
    partial.channel().read(ByteBuffer.allocate(1000));
    partial.close();
    assertThat(cache.driver().isCached("img")).as("cached after a partial read").isFalse();
    assertThat(cache.driver().isBeingCached("img")).isFalse();
    ExpectedImage wrong = ExpectedImage.unknown().withMd5(md5(bytes(5, 4)));
    assertThat(readAll(cache.open("img", wrong, ByteRange.ALL, store(data))))
        .as("the client still gets every byte").isEqualTo(data);
    assertThat(cache.driver().isCached("img")).as("cached with the wrong checksum").isFalse();
    assertThat(cache.clean()).as("clean removes what was rolled back").isEqualTo(1);
  }

  @Test
  void deletingAnImageEvictsItAndTheQueueEntry() throws Exception {
    byte[] data = bytes(100, 5);
    readAll(cache.open("img", ExpectedImage.unknown(), ByteRange.ALL, store(data)));
    cache.queue("other");
    cache.evict("img");
    cache.evict("other");
    assertThat(cache.driver().isCached("img")).isFalse();
    assertThat(cache.driver().queuedImages()).isEmpty();
  }

  @Test
  void thePrunerKeepsTheMostRecentlyAccessedUnderMaxSize() throws Exception {
    for (int i = 0; i < 5; i++) {
      readAll(cache.open("img-" + i, ExpectedImage.unknown(), ByteRange.ALL,
          store(bytes(300_000, 10 + i))));
      Thread.sleep(2);
    }
    readAll(cache.open("img-0", ExpectedImage.unknown(), ByteRange.ALL, store(bytes(1, 0))));
    ImageCache.Pruned pruned = cache.prune();
    assertThat(pruned.images()).isEqualTo(2);
    assertThat(pruned.sizeAfter()).isEqualTo(900_000);
    assertThat(cache.driver().cachedImages()).extracting(c -> c.imageId())
        .containsExactly("img-0", "img-3", "img-4");
  }

  @Test
  void theScheduleRunsThePrunerCleanerAndPrefetcher() throws Exception {
    cache.close();
    host.close();
    Path config = Files.writeString(home.resolve("scheduled.yaml"), """
        plugins: { dir: %s }
        cache:
          driver: xattr
          dir: cache
          max_size: 100KiB
          prune_interval: 1s
          clean_interval: 1s
          prefetch_interval: 1s
        """.formatted(DistributionTest.PLUGINS.toAbsolutePath()));
    ConfigLoader loader = new ConfigLoader();
    host = Host.boot(loader.load(config), loader);
    cache = ImageCache.open(host).orElseThrow();
    byte[] q = bytes(50_000, 7);
    cache.queue("queued");
    try (var writer = cache.driver().openForWrite("failed", ExpectedImage.unknown())) {
      writer.abort("test");
    }
    readAll(cache.open("old", ExpectedImage.unknown(), ByteRange.ALL, store(bytes(90_000, 8))));
    assertThat(invalidCount()).isEqualTo(1);
    try (io.stowage.app.cache.CacheSchedule schedule = io.stowage.app.cache.CacheSchedule.start(
        cache, Optional.of(id -> Optional.of(new ImageCache.Fetch(ExpectedImage.unknown(),
            store(q)))))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && !(cache.driver().isCached("queued")
          && !cache.driver().isCached("old") && invalidCount() == 0)) {
        Thread.sleep(100);
      }
    }
    assertThat(cache.driver().isCached("queued")).as("prefetched").isTrue();
    assertThat(cache.driver().isCached("old")).as("pruned").isFalse();
    assertThat(invalidCount()).as("invalid entries after the cleaner ran").isZero();
  }

  private long invalidCount() throws IOException {
    try (var files = Files.list(home.resolve("cache/invalid"))) {
      return files.count();
    }
  }

  @Test
  void thePrefetcherCachesQueuedImagesAndDropsVanishedOnes() throws Exception {
    byte[] a = bytes(10_000, 6);
    cache.queue("a");
    cache.queue("gone");
    int cached = cache.prefetch(id -> id.equals("a")
        ? Optional.of(new ImageCache.Fetch(ExpectedImage.unknown().withSize(a.length), store(a)))
        : Optional.empty());
    assertThat(cached).isEqualTo(1);
    assertThat(cache.driver().queuedImages()).isEmpty();
    assertThat(readAll(cache.open("a", ExpectedImage.unknown(), ByteRange.ALL, store(new byte[0]))))
        .isEqualTo(a);
    assertThat(cache.clean()).isZero();
    assertThat(cache.driver().clean(Duration.ZERO)).isZero();
  }
}
