package io.stowage.cache.xattr;

import static io.stowage.cache.xattr.CacheProcessTest.commit;
import static io.stowage.cache.xattr.CacheProcessTest.list;
import static io.stowage.cache.xattr.CacheProcessTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import io.stowage.api.StorageFullException;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.tck.Mounts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the xattr driver: its file systems, attributes and bookkeeping. */
class XattrCacheDriverTest {
  @TempDir Path temp;

  @Test
  void aFileSystemWithoutUserXattrsIsAConfigurationErrorNamingTheFolderAndTheFix()
      throws Exception {
    Path point = temp.resolve("ramfs");
    try (Mounts ramfs = new Mounts()) {
      ramfs.mount("ramfs", "size=16m", point);
      Path dir = point.resolve("cache");
      BadStoreConfigurationException e = catchThrowableOfType(BadStoreConfigurationException.class,
          () -> new XattrCacheDriverProvider().create(new XattrCacheConfig("ramfs/cache"),
              new InstanceContext("cache", temp)));
      assertThat(e).as("creating a cache on ramfs").isNotNull();
      assertThat(e.path()).isEqualTo("dir");
      assertThat(e.getMessage()).contains(dir.toString())
          .contains("does not support user extended attributes").contains("user_xattr")
          .doesNotContain("\n");
      assertThat(list(dir)).as("files left in the folder after the probe")
          .extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrder("incomplete", "invalid", "queue", ".stowage-index");
    }
  }

  @Test
  void aFreshDriverReadsTheSavedIndexWhileItDescribesTheFolderAndTheFolderOtherwise()
      throws Exception {
    Path dir = temp.resolve("cache");
    List<CachedImage> before;
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      commit(driver, "a", 1000);
      commit(driver, "b", 2000);
      commit(driver, "c", 3000);
      readAll(driver, "b");
      readAll(driver, "b");
      before = driver.cachedImages();
    } // the last driver of the folder saves the index
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      assertThat(driver.cachedImages()).as("from the snapshot").isEqualTo(before);
      assertThat(driver.totalSize()).isEqualTo(6000);
      assertThat(driver.leastRecentlyAccessed().map(CachedImage::imageId)).hasValue("a");
      assertThat(driver.rescans()).as("folder reads").isZero();
      assertThat(driver.snapshotLoads()).isEqualTo(1);
      readAll(driver, "a"); // a hit, applied in place and saved at close
      assertThat(driver.delete("c")).isTrue();
    }
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      assertThat(driver.cachedImages()).extracting(CachedImage::imageId, CachedImage::hits)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1L),
              org.assertj.core.groups.Tuple.tuple("b", 2L));
      assertThat(driver.leastRecentlyAccessed().map(CachedImage::imageId)).hasValue("b");
      assertThat(driver.rescans()).isZero();
    }
    // A change made without Stowage moves the folder's time: the snapshot is not used.
    Files.write(dir.resolve("by-hand"), new byte[10]);
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      assertThat(driver.cachedImages()).extracting(CachedImage::imageId)
          .containsExactly("a", "b", "by-hand");
      assertThat(driver.rescans()).isEqualTo(1);
      assertThat(driver.snapshotLoads()).isZero();
    } // the folder read was saved
    // A damaged snapshot is ignored.
    Path index = dir.resolve(".stowage-index/index");
    byte[] bytes = Files.readAllBytes(index);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(index, bytes);
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      assertThat(driver.cachedImages()).extracting(CachedImage::imageId)
          .containsExactly("a", "b", "by-hand");
      assertThat(driver.rescans()).as("a damaged snapshot is not read").isEqualTo(1);
      assertThat(driver.hits("a")).isEqualTo(1);
    }
    // A state file made anew (its identity changes) with the same generation by chance.
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      assertThat(driver.rescans()).isZero();
      driver.cachedImages();
      assertThat(driver.snapshotLoads()).isEqualTo(1);
    }
    byte[] state = Files.readAllBytes(dir.resolve(".stowage-state"));
    java.util.Arrays.fill(state, 16, 24, (byte) 0);
    Files.write(dir.resolve(".stowage-state"), state);
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      assertThat(driver.cachedImages()).hasSize(3);
      assertThat(driver.rescans()).as("another state file's snapshot").isEqualTo(1);
    }
  }

  @Test
  void aMissingFolderSettingIsAConfigurationError() {
    BadStoreConfigurationException e = catchThrowableOfType(BadStoreConfigurationException.class,
        () -> new XattrCacheDriverProvider().create(new XattrCacheConfig(null),
            new InstanceContext("cache", temp)));
    assertThat(e.path()).isEqualTo("dir");
    assertThat(new XattrCacheDriverProvider().driver()).isEqualTo("xattr");
  }

  @Test
  void bookkeepingIsInUserAttributesAsGetfattrSeesThem() throws Exception {
    Path dir = temp.resolve("cache");
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      commit(driver, "img", 5000);
      assertThat(XattrOracle.get(dir.resolve("img"), "user.hits")).isEqualTo("0");
      readAll(driver, "img");
      readAll(driver, "img");
      assertThat(XattrOracle.get(dir.resolve("img"), "user.hits"))
          .as("Glance's counter, set at commit for Glance's tools").isEqualTo("0");
      String access = XattrOracle.get(dir.resolve("img"), "user.stowage.access");
      assertThat(access).matches("2 \\d+ 5000");
      try (CacheWriter writer = driver.openForWrite("bad", ExpectedImage.unknown().withSize(9))) {
        writer.write(ByteBuffer.allocate(3));
        writer.abort("the store's stream broke at byte 3");
      }
      assertThat(XattrOracle.get(dir.resolve("invalid/bad"), "user.error"))
          .isEqualTo("the store's stream broke at byte 3");
      assertThat(list(dir.resolve("incomplete"))).isEmpty();
    }
  }

  @Test
  void entriesWrittenByGlanceAreListedWithTheirHits() throws Exception {
    Path dir = temp.resolve("cache");
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      Files.write(dir.resolve("glance-img"), new byte[1234]);
      XattrOracle.requireTool("setfattr");
      XattrOracle.run("setfattr", "-n", "user.hits", "-v", "7", dir.resolve("glance-img").toString());
      assertThat(driver.cachedImage("glance-img").map(CachedImage::hits)).contains(7L);
      assertThat(driver.totalSize()).isEqualTo(1234);
      readAll(driver, "glance-img");
      assertThat(driver.hits("glance-img")).isEqualTo(8);
    }
  }

  @Test
  void leastRecentlyAccessedIgnoresAtime() throws Exception {
    // On noatime (and, between two reads within a day, relatime) mounts the file's atime does
    // not move; Glance's driver then prunes the entry just read. Here atimes are set backwards
    // by hand, which no access-time option could do better.
    Path dir = temp.resolve("cache");
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      commit(driver, "a", 10);
      commit(driver, "b", 10);
      Thread.sleep(3);
      readAll(driver, "a");
      Files.setAttribute(dir.resolve("a"), "lastAccessTime", FileTime.from(Instant.EPOCH));
      Files.setAttribute(dir.resolve("b"), "lastAccessTime", FileTime.from(Instant.now().plusSeconds(3600)));
      assertThat(driver.leastRecentlyAccessed().map(CachedImage::imageId)).contains("b");
      driver.close();
      try (XattrCacheDriver fresh = XattrCacheDriver.open(dir)) {
        assertThat(fresh.leastRecentlyAccessed().map(CachedImage::imageId))
            .as("after reading the folder afresh").contains("b");
      }
    }
  }

  @Test
  void onANoatimeMountTheOrderFollowsReads() throws Exception {
    Path point = temp.resolve("noatime");
    try (Mounts tmpfs = new Mounts()) {
      tmpfs.mount("tmpfs", "size=8m,noatime", point);
      try (XattrCacheDriver driver = XattrCacheDriver.open(point.resolve("cache"))) {
        commit(driver, "a", 10);
        commit(driver, "b", 10);
        Thread.sleep(3);
        readAll(driver, "a");
        assertThat(driver.leastRecentlyAccessed().map(CachedImage::imageId)).contains("b");
        Thread.sleep(3);
        readAll(driver, "b");
        assertThat(driver.leastRecentlyAccessed().map(CachedImage::imageId)).contains("a");
      }
    }
  }

  @Test
  void aFullDiskFailsTheWriteAndKeepsNothingReadable() throws Exception {
    Path point = temp.resolve("small");
    try (Mounts tmpfs = new Mounts()) {
      tmpfs.mount("tmpfs", "size=1m", point);
      Path dir = point.resolve("cache");
      try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
        StorageFullException e = catchThrowableOfType(StorageFullException.class, () -> {
          try (CacheWriter writer = driver.openForWrite("big", ExpectedImage.unknown())) {
            for (int i = 0; i < 64; i++) {
              writer.write(ByteBuffer.allocate(64 * 1024));
            }
            writer.commit();
          }
        });
        assertThat(e).as("writing 4 MiB into 1 MiB").isNotNull();
        assertThat(e.getMessage()).contains("big").doesNotContain("\n");
        assertThat(driver.isCached("big")).isFalse();
        assertThat(driver.isBeingCached("big")).isFalse();
        assertThat(list(dir.resolve("incomplete"))).isEmpty();
        driver.clean(Duration.ZERO);
        assertThat(list(dir.resolve("invalid"))).isEmpty();
        commit(driver, "small", 1000);
        assertThat(readAll(driver, "small")).hasSize(1000);
      }
    }
  }

  @Test
  void aTruncatedEntryIsNotServedAndIsMovedToInvalid() throws Exception {
    Path dir = temp.resolve("cache");
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      commit(driver, "img", 100_000);
      try (FileChannel file = FileChannel.open(dir.resolve("img"), StandardOpenOption.WRITE)) {
        file.truncate(50_000);
      }
      assertThat(driver.openForRead("img")).as("openForRead of a truncated entry").isEmpty();
      assertThat(driver.isCached("img")).isFalse();
      assertThat(driver.totalSize()).isZero();
      assertThat(XattrOracle.get(dir.resolve("invalid/img"), "user.error")).contains("size");
    }
  }
}
