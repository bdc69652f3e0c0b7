package io.stowage.cache.xattr;

import static io.stowage.cache.xattr.CacheChild.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.ImageData;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.cache.xattr.CacheChildSupport.Child;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Several processes over one cache folder, and processes killed with SIGKILL mid-work. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CacheProcessTest {
  @TempDir Path temp;
  private Path dir;

  @org.junit.jupiter.api.BeforeEach
  void folder() {
    dir = temp.resolve("cache");
  }

  @Test
  void thirtyTwoReadersInEachOfTwoProcessesCount64Hits() throws Exception {
    assertExactHitsAcrossProcesses(1);
  }

  @Test
  void manyRoundsOfReadsInTwoProcessesAreAllCounted() throws Exception {
    assertExactHitsAcrossProcesses(25);
  }

  private void assertExactHitsAcrossProcesses(int rounds) throws Exception {
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      commit(driver, "shared", 100_000);
      Path go = temp.resolve("go");
      try (Child a = new Child("read", dir.toString(), "shared", "32", "" + rounds, go.toString());
          Child b = new Child("read", dir.toString(), "shared", "32", "" + rounds, go.toString())) {
        assertThat(a.line()).isEqualTo("ready");
        assertThat(b.line()).isEqualTo("ready");
        Files.createFile(go);
        assertThat(a.line()).isEqualTo("read " + 32 * rounds);
        assertThat(b.line()).isEqualTo("read " + 32 * rounds);
        assertThat(a.exit()).isZero();
        assertThat(b.exit()).isZero();
      }
      assertThat(driver.hits("shared")).as("hits counted by 2 processes x 32 threads x " + rounds)
          .isEqualTo(64L * rounds);
      assertThat(XattrOracle.get(dir.resolve("shared"), "user.stowage.access"))
          .as("the access record as getfattr reads it").startsWith(64L * rounds + " ");
      assertThat(driver.cachedImages()).extracting(CachedImage::hits).containsExactly(64L * rounds);
    }
  }

  @Test
  void aWriterKilledMidwayLeavesNoEntryAndCleanRemovesItsDebris() throws Exception {
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      try (Child child = new Child("write-pause", dir.toString(), "victim", "3000000")) {
        assertThat(child.line()).isEqualTo("midway");
        assertThat(driver.isBeingCached("victim")).as("being cached while the child writes").isTrue();
        assertThat(driver.queue("victim")).isFalse();
        child.kill();
      }
      assertThat(Files.list(dir.resolve("incomplete"))).as("debris left").hasSize(1);
      assertThat(driver.isCached("victim")).isFalse();
      assertThat(driver.openForRead("victim")).isEmpty();
      assertThat(driver.isBeingCached("victim")).as("being cached after the writer died").isFalse();
      assertThat(driver.cachedImages()).isEmpty();
      assertThat(driver.totalSize()).isZero();
      assertThat(driver.clean(Duration.ofDays(1))).as("clean with a day's stall time").isEqualTo(1);
      assertThat(Files.list(dir.resolve("incomplete"))).isEmpty();
      commit(driver, "victim", 3_000_000);
      assertThat(readAll(driver, "victim")).isEqualTo(content("victim", 3_000_000));
    }
  }

  @Test
  void writersKilledAtRandomMomentsNeverLeaveWrongBytes() throws Exception {
    long[] delays = {150, 400, 700, 1100, 1600};
    for (long delay : delays) {
      try (Child child = new Child("write-loop", dir.toString(), "200000")) {
        assertThat(child.line()).isEqualTo("writing");
        Thread.sleep(delay);
        child.kill();
      }
      try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
        List<CachedImage> entries = driver.cachedImages();
        for (CachedImage entry : entries) {
          int i = Integer.parseInt(entry.imageId().substring("img-".length()));
          byte[] expected = content(entry.imageId(), 200000 + i % 7919);
          assertThat(readAll(driver, entry.imageId())).as("bytes of " + entry.imageId()
              + " after a kill at " + delay + " ms").isEqualTo(expected);
        }
        driver.clean(Duration.ofDays(1));
        assertThat(Files.list(dir.resolve("incomplete"))).as("incomplete/ after clean").isEmpty();
        assertThat(Files.list(dir.resolve("invalid"))).as("invalid/ after clean").isEmpty();
      }
    }
  }

  @Test
  void readersKilledWhileCountingHitsLeaveACountThatStillWorks() throws Exception {
    byte[] data = content("hot", 70_000);
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      commit(driver, "hot", data.length);
      for (long delay : new long[] {100, 300, 600}) {
        try (Child child = new Child("read-loop", dir.toString(), "hot", "16")) {
          assertThat(child.line()).isEqualTo("reading");
          Thread.sleep(delay);
          child.kill();
        }
        long hits = driver.hits("hot");
        assertThat(hits).as("hits after the readers died").isPositive();
        String record = XattrOracle.get(dir.resolve("hot"), "user.stowage.access");
        assertThat(record).as("the access record after a kill").matches(hits + " \\d+ 70000");
        assertThat(readAll(driver, "hot")).isEqualTo(data);
        assertThat(driver.hits("hot")).as("the next hit after the kill").isEqualTo(hits + 1);
        assertThat(driver.clean(Duration.ofDays(1))).as("clean: nothing to remove").isZero();
        assertThat(driver.isCached("hot")).isTrue();
      }
    }
  }

  @Test
  void theIndexSeesWhatOtherProcessesDo() throws Exception {
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      commit(driver, "mine", 1000);
      assertThat(driver.totalSize()).isEqualTo(1000);
      long rescans = driver.rescans();
      for (int i = 0; i < 100; i++) {
        driver.totalSize();
        driver.cachedImages();
        driver.leastRecentlyAccessed();
        commit(driver, "more-" + i, 10);
        readAll(driver, "more-" + i);
        driver.delete("more-" + i);
      }
      assertThat(driver.rescans()).as("folder reads for this process's own changes")
          .isEqualTo(rescans);
      try (Child child = new Child("commit", dir.toString(), "theirs", "2345")) {
        assertThat(child.line()).isEqualTo("committed");
      }
      assertThat(driver.totalSize()).as("size after another process committed").isEqualTo(3345);
      assertThat(driver.leastRecentlyAccessed().map(CachedImage::imageId)).contains("mine");
      Thread.sleep(2);
      try (Child child = new Child("read", dir.toString(), "mine", "1", "1",
          temp.toString())) { // the folder exists: go at once
        assertThat(child.line()).isEqualTo("ready");
        assertThat(child.line()).isEqualTo("read 1");
      }
      assertThat(driver.leastRecentlyAccessed().map(CachedImage::imageId))
          .as("least recently accessed after another process read 'mine'").contains("theirs");
      Files.delete(dir.resolve("theirs")); // behind every driver's back
      assertThat(driver.cachedImages()).extracting(CachedImage::imageId).containsExactly("mine");
    }
  }

  static void commit(XattrCacheDriver driver, String id, int size) throws IOException {
    try (CacheWriter writer = driver.openForWrite(id, ExpectedImage.unknown().withSize(size))) {
      writer.write(ByteBuffer.wrap(content(id, size)));
      writer.commit();
    }
  }

  static byte[] readAll(XattrCacheDriver driver, String id) {
    try (ImageData data = driver.openForRead(id).orElseThrow()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      data.transferTo(Channels.newChannel(out));
      return out.toByteArray();
    }
  }

  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return new ArrayList<>(files.toList());
    }
  }
}
