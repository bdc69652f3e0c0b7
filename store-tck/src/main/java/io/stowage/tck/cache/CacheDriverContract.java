package io.stowage.tck.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link CacheDriver} keeps, as JUnit 5 tests. A driver runs it by extending
 * this class in its own tests and saying how to build a driver over a folder:
 *
 * <pre>{@code
 * class MyCacheContractTest extends CacheDriverContract {
 *   @Override
 *   protected CacheDriver newDriver(Path dir) {
 *     return new MyCacheProvider().create(new MyConfig(dir.toString()),
 *         new InstanceContext("cache", dir));
 *   }
 * }
 * }</pre>
 *
 * <p>Depend on {@code io.stowage:store-tck} in {@code test} scope. Each test gets a fresh driver
 * over a fresh, empty folder and closes it afterwards; each has two minutes.
 *
 * <p>What is checked: entries read back whole (by channel and by {@code transferTo}, 0 bytes to
 * 1 MiB + 3); nothing visible before commit; commit checks the expected size, md5 and multihash
 * and moves bad data to invalid; abort and abandoned writers roll back and a retry works; a
 * second writer of one image is told it is being cached ({@code LockedException}) and eight
 * racing writers leave one whole entry; stalled and invalid writes are reaped by age; the queue
 * (refuses cached, being-cached and queued images; keeps queue order; commit dequeues); deletes;
 * exact hit counts under 32 concurrent readers; last access recorded by the driver and the
 * least-recently-accessed order; two drivers over one folder agree; entries, hits and the queue
 * survive reopening; hostile image ids are refused by every method.
 *
 * <p>Property the kit cannot check in one process — exact hits across processes, crash safety —
 * belong in the driver's own tests.
 */
public abstract class CacheDriverContract extends CacheWriteTests {
  private static final int READERS = 32;

  /** For subclasses. */
  protected CacheDriverContract() {}

  @Test
  void anEmptyCacheHoldsNothing() {
    assertThat(driver().totalSize()).as("totalSize").isZero();
    assertThat(driver().cachedImages()).as("cachedImages").isEmpty();
    assertThat(driver().queuedImages()).as("queuedImages").isEmpty();
    assertThat(driver().leastRecentlyAccessed()).as("leastRecentlyAccessed").isEmpty();
    assertThat(driver().hits("tck-image")).as("hits").isZero();
    assertThat(driver().cachedImage("tck-image")).as("cachedImage").isEmpty();
    assertThat(driver().openForRead("tck-image")).as("openForRead").isEmpty();
    assertThat(driver().isCached("tck-image")).isFalse();
    assertThat(driver().isBeingCached("tck-image")).isFalse();
    assertThat(driver().isQueued("tck-image")).isFalse();
    assertThat(driver().isCacheable("tck-image")).isTrue();
    assertThat(driver().delete("tck-image")).as("delete of nothing").isFalse();
    assertThat(driver().dequeue("tck-image")).as("dequeue of nothing").isFalse();
    assertThat(driver().deleteAll()).isZero();
    assertThat(driver().dequeueAll()).isZero();
    assertThat(driver().clean(Duration.ZERO)).as("clean").isZero();
  }

  @Test
  void theQueueKeepsOrderAndRefusesWhatIsThere() throws IOException {
    List<String> order = List.of("tck-q-m", "tck-q-a", "tck-q-z", "tck-q-b", "tck-q-y");
    for (String id : order) {
      assertThat(driver().queue(id)).as("queue(" + id + ")").isTrue();
    }
    assertThat(driver().queue("tck-q-a")).as("queue of a queued image").isFalse();
    assertThat(driver().queuedImages()).as("queuedImages, oldest first").isEqualTo(order);
    assertThat(driver().isQueued("tck-q-z")).isTrue();
    cache("tck-cached", bytes(10));
    assertThat(driver().queue("tck-cached")).as("queue of a cached image").isFalse();
    assertThat(driver().isQueued("tck-cached")).isFalse();
    cache("tck-q-z", bytes(20));
    assertThat(driver().isQueued("tck-q-z")).as("isQueued after its entry committed").isFalse();
    assertThat(driver().dequeue("tck-q-a")).as("dequeue").isTrue();
    assertThat(driver().dequeue("tck-q-a")).as("dequeue again").isFalse();
    assertThat(driver().queuedImages()).containsExactly("tck-q-m", "tck-q-b", "tck-q-y");
    reopen();
    assertThat(driver().queuedImages()).as("queuedImages after reopening")
        .containsExactly("tck-q-m", "tck-q-b", "tck-q-y");
    assertThat(driver().dequeueAll()).as("dequeueAll").isEqualTo(3);
    assertThat(driver().queuedImages()).isEmpty();
    assertThat(driver().isCached("tck-cached")).as("dequeueAll leaves entries").isTrue();
  }

  @Test
  void deletesRemoveEntriesAndTheirSize() throws IOException {
    cache("tck-a", bytes(100));
    cache("tck-b", bytes(200));
    cache("tck-c", bytes(300));
    driver().queue("tck-d");
    assertThat(driver().delete("tck-b")).as("delete").isTrue();
    assertThat(driver().delete("tck-b")).as("delete again").isFalse();
    assertThat(driver().totalSize()).isEqualTo(400);
    assertThat(driver().cachedImages()).extracting(CachedImage::imageId)
        .containsExactly("tck-a", "tck-c");
    assertThat(driver().deleteAll()).as("deleteAll").isEqualTo(2);
    assertThat(driver().totalSize()).isZero();
    assertThat(driver().cachedImages()).isEmpty();
    assertThat(driver().queuedImages()).as("deleteAll leaves the queue").containsExactly("tck-d");
    byte[] again = bytes(50);
    cache("tck-b", again);
    assertThat(driver().hits("tck-b")).as("hits of a re-cached image").isZero();
    assertSameBytes(read("tck-b", false), again, "re-cached bytes");
  }

  @Test
  void everyConcurrentReadCountsAHit() throws Exception {
    byte[] data = bytes(64 * 1024);
    cache("tck-image", data);
    int rounds = 5;
    CyclicBarrier start = new CyclicBarrier(READERS);
    List<Callable<Boolean>> readers = new ArrayList<>();
    for (int i = 0; i < READERS; i++) {
      readers.add(() -> {
        start.await(60, TimeUnit.SECONDS);
        for (int r = 0; r < rounds; r++) {
          assertSameBytes(read("tck-image", r % 2 == 0), data, "a concurrent read");
        }
        return true;
      });
    }
    for (Object outcome : runAll(readers)) {
      assertThat(outcome).as("a reader").isEqualTo(true);
    }
    assertThat(driver().hits("tck-image")).as("hits after " + READERS + " readers x " + rounds)
        .isEqualTo(READERS * rounds);
    assertThat(driver().cachedImages().get(0).hits()).as("hits in cachedImages")
        .isEqualTo(READERS * rounds);
  }

  @Test
  void lastAccessIsRecordedByTheDriver() throws Exception {
    cache("tck-a", bytes(10));
    cache("tck-b", bytes(10));
    cache("tck-c", bytes(10));
    CachedImage a = driver().cachedImage("tck-a").orElseThrow();
    assertThat(a.lastAccessed()).as("last access of a new entry").isAfterOrEqualTo(a.lastModified());
    // Ties in time are broken by id, so the order of three entries committed in one tick is
    // already a, b, c; reads move them to the end one at a time.
    assertThat(driver().leastRecentlyAccessed().map(CachedImage::imageId)).contains("tck-a");
    Thread.sleep(5);
    Instant before = Instant.now();
    Thread.sleep(5);
    read("tck-a", false);
    CachedImage read = driver().cachedImage("tck-a").orElseThrow();
    assertThat(read.lastAccessed()).as("last access after a read").isAfter(before);
    assertThat(driver().leastRecentlyAccessed().map(CachedImage::imageId)).contains("tck-b");
    Thread.sleep(5);
    read("tck-b", true);
    assertThat(driver().leastRecentlyAccessed().map(CachedImage::imageId)).contains("tck-c");
    driver().delete("tck-c");
    assertThat(driver().leastRecentlyAccessed().map(CachedImage::imageId)).contains("tck-a");
    List<CachedImage> all = driver().cachedImages();
    assertThat(all).extracting(CachedImage::imageId).containsExactly("tck-a", "tck-b");
    assertThat(all.get(0)).as("tck-a in cachedImages").isEqualTo(read);
  }

  @Test
  void twoDriversOverOneFolderAgree() throws IOException {
    byte[] data = bytes(5000);
    try (CacheDriver other = newDriver(cacheDir())) {
      assertThat(other.totalSize()).isZero();
      cache("tck-a", data);
      assertThat(other.totalSize()).as("the other driver's totalSize").isEqualTo(5000);
      assertThat(other.isCached("tck-a")).isTrue();
      try (var image = other.openForRead("tck-a").orElseThrow()) {
        assertThat(image.size()).isEqualTo(5000);
      }
      assertThat(driver().hits("tck-a")).as("hits counted by the other driver").isEqualTo(1);
      assertThat(driver().cachedImages().get(0).hits()).as("hits in cachedImages").isEqualTo(1);
      assertThat(other.queue("tck-q")).isTrue();
      assertThat(driver().queuedImages()).containsExactly("tck-q");
      other.delete("tck-a");
      assertThat(driver().totalSize()).as("totalSize after the other driver deleted").isZero();
      assertThat(driver().leastRecentlyAccessed()).isEmpty();
    }
    cache("tck-b", data);
    assertSameBytes(read("tck-b", false), data, "after the other driver closed");
  }

  @Test
  void entriesAndHitsSurviveReopening() throws IOException {
    byte[] data = bytes(12_345);
    cache("tck-image", data);
    read("tck-image", false);
    read("tck-image", true);
    CachedImage before = driver().cachedImage("tck-image").orElseThrow();
    reopen();
    assertThat(driver().cachedImage("tck-image")).as("the entry after reopening").contains(before);
    assertThat(driver().totalSize()).isEqualTo(data.length);
    assertSameBytes(read("tck-image", false), data, "bytes after reopening");
    assertThat(driver().hits("tck-image")).isEqualTo(3);
  }

  @Test
  void cleanRemovesInvalidAndStalledWrites() throws IOException {
    try (CacheWriter failed = driver().openForWrite("tck-failed", ExpectedImage.unknown())) {
      writeAll(failed, bytes(100));
      failed.abort("broken");
    }
    CacheWriter live = driver().openForWrite("tck-live", ExpectedImage.unknown());
    writeAll(live, bytes(100));
    assertThat(driver().clean(Duration.ofDays(1))).as("clean, a day's stall time").isEqualTo(1);
    assertThat(driver().isBeingCached("tck-live")).as("a live write after clean").isTrue();
    live.commit();
    assertThat(driver().isCached("tck-live")).isTrue();
    assertThat(driver().clean(Duration.ZERO)).as("clean of a clean cache").isZero();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "..", ".", "../escape", "a/b", ".hidden", "a\\b", "a:b", "new\nline",
      "queue", "incomplete", "invalid"})
  void hostileIdsAreRefused(String id) {
    List<ThrowingCallable> calls = List.of(
        () -> driver().isCached(id), () -> driver().isBeingCached(id),
        () -> driver().isQueued(id), () -> driver().queue(id), () -> driver().hits(id),
        () -> driver().openForRead(id), () -> driver().cachedImage(id),
        () -> driver().openForWrite(id, ExpectedImage.unknown()).close(),
        () -> driver().delete(id), () -> driver().dequeue(id));
    for (int i = 0; i < calls.size(); i++) {
      assertFails("call " + i + " with id \"" + id + "\"", calls.get(i),
          InvalidRequestException.class);
    }
    assertThat(driver().queuedImages()).isEmpty();
    assertThat(driver().cachedImages()).isEmpty();
  }
}
