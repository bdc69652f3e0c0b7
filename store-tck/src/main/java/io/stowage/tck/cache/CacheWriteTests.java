package io.stowage.tck.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.DuplicateException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.LockedException;
import io.stowage.api.Multihash;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.StowageException;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The write path of the cache contract: commit, checks, abort, rollback, competing writers. */
abstract class CacheWriteTests extends CacheDriverFixture {

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 4096, 65_537, MIB + 3})
  void committedEntriesReadBackWhole(int size) throws IOException {
    byte[] data = bytes(size);
    cache("tck-image", data);
    assertThat(driver().isCached("tck-image")).as("isCached after commit").isTrue();
    assertThat(driver().isBeingCached("tck-image")).as("isBeingCached after commit").isFalse();
    assertThat(driver().totalSize()).as("totalSize").isEqualTo(size);
    assertThat(driver().hits("tck-image")).as("hits after commit").isZero();
    assertSameBytes(read("tck-image", false), data, "bytes read by channel");
    assertSameBytes(read("tck-image", true), data, "bytes read by transferTo");
    CachedImage entry = driver().cachedImage("tck-image").orElseThrow();
    assertThat(entry.size()).as("CachedImage.size").isEqualTo(size);
    assertThat(entry.hits()).as("hits after two reads").isEqualTo(2);
    assertThat(driver().cachedImages()).as("cachedImages").containsExactly(entry);
  }

  @Test
  void nothingIsVisibleBeforeCommit() throws IOException {
    cache("tck-other", bytes(10));
    byte[] data = bytes(MIB);
    try (CacheWriter writer = driver().openForWrite("tck-image", ExpectedImage.unknown())) {
      writeAll(writer, data);
      assertThat(writer.written()).as("CacheWriter.written").isEqualTo(data.length);
      assertThat(driver().isCached("tck-image")).as("isCached while writing").isFalse();
      assertThat(driver().isBeingCached("tck-image")).as("isBeingCached while writing").isTrue();
      assertThat(driver().isCacheable("tck-image")).as("isCacheable while writing").isFalse();
      assertThat(driver().openForRead("tck-image")).as("openForRead while writing").isEmpty();
      assertThat(driver().totalSize()).as("totalSize while writing").isEqualTo(10);
      assertThat(driver().cachedImages()).extracting(CachedImage::imageId)
          .as("cachedImages while writing").containsExactly("tck-other");
      writer.commit();
      assertThat(writer.isOpen()).as("writer open after commit").isFalse();
    }
    assertThat(driver().isBeingCached("tck-image")).as("isBeingCached after commit").isFalse();
    assertThat(driver().totalSize()).as("totalSize after commit").isEqualTo(10 + MIB);
  }

  @Test
  void commitChecksTheExpectedSize() throws IOException {
    for (long expected : new long[] {4095, 4097, 0}) {
      try (CacheWriter writer =
          driver().openForWrite("tck-image", ExpectedImage.unknown().withSize(expected))) {
        writeAll(writer, bytes(4096));
        assertFails("commit of 4096 bytes expecting " + expected, writer::commit,
            SizeMismatchException.class);
      }
      assertNotCachedAndFree("tck-image");
    }
    assertThat(driver().reapInvalid(Duration.ZERO)).as("invalid entries reaped").isPositive();
  }

  @Test
  void commitChecksChecksums() throws IOException {
    byte[] data = bytes(300_001);
    String md5 = hex("MD5", data);
    Multihash sha512 = new Multihash(HashAlgorithm.of("sha512"), hex("SHA-512", data));
    Multihash sha256 = new Multihash(HashAlgorithm.of("sha256"), hex("SHA-256", data));
    String wrongMd5 = hex("MD5", bytes(5));
    Multihash wrongSha = new Multihash(HashAlgorithm.of("sha512"), hex("SHA-512", bytes(5)));
    List<ExpectedImage> wrong = List.of(
        ExpectedImage.unknown().withMd5(wrongMd5),
        ExpectedImage.unknown().withMultihash(wrongSha),
        ExpectedImage.unknown().withSize(data.length).withMd5(md5).withMultihash(wrongSha),
        ExpectedImage.unknown().withMd5(wrongMd5).withMultihash(sha512));
    for (ExpectedImage expected : wrong) {
      try (CacheWriter writer = driver().openForWrite("tck-image", expected)) {
        writeAll(writer, data);
        assertFails("commit against " + expected, writer::commit,
            InvalidImageDataException.class);
      }
      assertNotCachedAndFree("tck-image");
    }
    for (ExpectedImage right : List.of(
        ExpectedImage.unknown().withSize(data.length).withMd5(md5).withMultihash(sha512),
        ExpectedImage.unknown().withMultihash(sha256))) {
      driver().delete("tck-image");
      try (CacheWriter writer = driver().openForWrite("tck-image", right)) {
        writeAll(writer, data);
        writer.commit();
      }
      assertSameBytes(read("tck-image", true), data, "bytes committed against " + right);
    }
  }

  @Test
  void abortKeepsNothingReadable() throws IOException {
    try (CacheWriter writer = driver().openForWrite("tck-image", ExpectedImage.unknown())) {
      writeAll(writer, bytes(70_000));
      writer.abort("the source broke");
      assertThat(writer.isOpen()).as("writer open after abort").isFalse();
      assertFails("write after abort", () -> writer.write(ByteBuffer.allocate(1)),
          ClosedChannelException.class);
      assertFails("commit after abort", writer::commit, IllegalStateException.class);
      writer.abort("again"); // idempotent
    }
    assertNotCachedAndFree("tck-image");
    assertThat(driver().reapInvalid(Duration.ofDays(1)))
        .as("invalid entries younger than the grace period reaped").isZero();
    assertThat(driver().reapInvalid(Duration.ZERO)).as("invalid entries reaped").isEqualTo(1);
    assertThat(driver().reapInvalid(Duration.ZERO)).as("reaped again").isZero();
  }

  @Test
  void anAbandonedWriterRollsBack() throws IOException {
    CacheWriter writer = driver().openForWrite("tck-image", ExpectedImage.unknown());
    writeAll(writer, bytes(10_000));
    writer.close();
    writer.close();
    assertNotCachedAndFree("tck-image");
    byte[] retry = bytes(5000);
    cache("tck-image", retry);
    assertSameBytes(read("tck-image", false), retry, "bytes of the retried write");
  }

  @Test
  void aSecondWriterIsToldTheImageIsBeingCached() throws IOException {
    byte[] data = bytes(20_000);
    try (CacheWriter first = driver().openForWrite("tck-image", ExpectedImage.unknown())) {
      writeAll(first, data);
      assertFails("a second openForWrite while the first writes",
          () -> driver().openForWrite("tck-image", ExpectedImage.unknown()).close(),
          LockedException.class);
      assertThat(driver().queue("tck-image")).as("queue while being cached").isFalse();
      first.commit();
    }
    assertSameBytes(read("tck-image", false), data, "the first writer's bytes");
    assertFails("openForWrite of a cached image",
        () -> driver().openForWrite("tck-image", ExpectedImage.unknown()).close(),
        DuplicateException.class);
    assertThat(driver().isCacheable("tck-image")).as("isCacheable when cached").isFalse();
  }

  @Test
  void concurrentWritersOfOneImageEndWithOneEntry() throws Exception {
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Callable<byte[]>> writes = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      byte[] data = bytes(100_000 + i);
      writes.add(() -> {
        start.await(60, TimeUnit.SECONDS);
        try (CacheWriter writer = driver().openForWrite("tck-image", ExpectedImage.unknown())) {
          writeAll(writer, data);
          writer.commit();
          return data;
        }
      });
    }
    byte[] winner = null;
    for (Object outcome : runAll(writes)) {
      if (outcome instanceof byte[] data) {
        winner = data;
      } else {
        assertThat(outcome).as("a writer that lost the race")
            .isInstanceOfAny(LockedException.class, DuplicateException.class);
      }
    }
    assertThat(winner).as("the writer that won").isNotNull();
    assertThat(driver().cachedImages()).as("entries").hasSize(1);
    assertSameBytes(read("tck-image", true), winner, "the winning writer's bytes");
  }

  @Test
  void differentImagesAreWrittenAtOnce() throws IOException {
    byte[] a = bytes(30_000);
    byte[] b = bytes(40_000);
    try (CacheWriter first = driver().openForWrite("tck-a", ExpectedImage.unknown());
        CacheWriter second = driver().openForWrite("tck-b", ExpectedImage.unknown())) {
      writeAll(first, a);
      writeAll(second, b);
      second.commit();
      first.commit();
    }
    assertSameBytes(read("tck-a", false), a, "tck-a");
    assertSameBytes(read("tck-b", false), b, "tck-b");
    assertThat(driver().totalSize()).isEqualTo(70_000);
  }

  @Test
  void aWriteReapedAsStalledDoesNotCommit() throws IOException {
    try (CacheWriter writer = driver().openForWrite("tck-image", ExpectedImage.unknown())) {
      writeAll(writer, bytes(1000));
      assertThat(driver().reapStalled(Duration.ofDays(1)))
          .as("reapStalled of a live, fresh write").isZero();
      assertThat(driver().isBeingCached("tck-image")).isTrue();
      assertThat(driver().reapStalled(Duration.ZERO)).as("reapStalled with no grace").isEqualTo(1);
      assertFails("commit of a reaped write", writer::commit, StowageException.class);
    }
    assertNotCachedAndFree("tck-image");
  }

  /** Not cached, not being cached, no bytes readable, and nothing counted in size. */
  final void assertNotCachedAndFree(String id) {
    assertThat(driver().isCached(id)).as("isCached(" + id + ")").isFalse();
    assertThat(driver().isBeingCached(id)).as("isBeingCached(" + id + ")").isFalse();
    assertThat(driver().isCacheable(id)).as("isCacheable(" + id + ")").isTrue();
    assertThat(driver().openForRead(id)).as("openForRead(" + id + ")").isEmpty();
    assertThat(driver().cachedImages()).extracting(CachedImage::imageId)
        .as("cachedImages").doesNotContain(id);
  }
}
