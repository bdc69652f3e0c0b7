package io.stowage.filesystem;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.ImageMeter;
import io.stowage.api.DataStreamException;
import io.stowage.api.DuplicateException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.store.Store;
import io.stowage.api.StowageException;
import static io.stowage.filesystem.TestStores.entries;
import static io.stowage.filesystem.TestStores.hex;
import static io.stowage.filesystem.TestStores.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Every failed add leaves the folder as it was, and the same id can then be added. */
class AddFailureTest {
  @TempDir Path tmp;

  /** Yields {@code good} bytes of {@code data}, then fails. */
  private static InputStream failingAfter(byte[] data, int good) {
    return new InputStream() {
      private final InputStream in = new ByteArrayInputStream(data, 0, good);

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, Math.min(len, 8192));
        if (n < 0) {
          throw new IOException("connection reset by peer");
        }
        return n;
      }
    };
  }

  private void assertRetrySucceeds(Store store, Path dir, String id) throws IOException {
    assertThat(entries(dir)).as("left behind").isEmpty();
    byte[] data = random(1_000_000, 99);
    AddResult r = store.add(AddRequest.of(id, new ByteArrayInputStream(data)));
    assertThat(r.md5()).isEqualTo(hex("MD5", data));
    assertThat(entries(dir)).containsExactly(id);
  }

  @Test
  void streamFailingMidway() throws Exception {
    Path dir = tmp.resolve("d");
    try (Store store = TestStores.open(dir)) {
      byte[] data = random(5_000_000, 1);
      assertThatThrownBy(
              () -> store.add(AddRequest.of("img", failingAfter(data, 3_333_333))))
          .isInstanceOf(DataStreamException.class)
          .hasMessageContaining("connection reset by peer");
      assertRetrySucceeds(store, dir, "img");
    }
  }

  @Test
  void fewerBytesThanDeclared() throws Exception {
    Path dir = tmp.resolve("d");
    try (Store store = TestStores.open(dir)) {
      byte[] data = random(2_000_000, 2);
      assertThatThrownBy(
              () ->
                  store.add(
                      AddRequest.of("img", new ByteArrayInputStream(data))
                          .withDeclaredSize(2_000_001)))
          .isInstanceOf(SizeMismatchException.class)
          .hasMessageContaining("2000000")
          .hasMessageContaining("2000001");
      assertRetrySucceeds(store, dir, "img");
    }
  }

  @Test
  void moreBytesThanDeclared() throws Exception {
    Path dir = tmp.resolve("d");
    try (Store store = TestStores.open(dir)) {
      byte[] data = random(3_000_000, 3);
      assertThatThrownBy(
              () ->
                  store.add(
                      AddRequest.of("img", new ByteArrayInputStream(data))
                          .withDeclaredSize(1_000_000)))
          .isInstanceOf(SizeMismatchException.class);
      assertRetrySucceeds(store, dir, "img");
    }
  }

  @Test
  void sizeCapStopsAnEndlessStream() throws Exception {
    Path dir = tmp.resolve("d");
    try (Store store = TestStores.open(dir)) {
      InputStream endless =
          new InputStream() {
            @Override
            public int read() {
              return 7;
            }

            @Override
            public int read(byte[] b, int off, int len) {
              java.util.Arrays.fill(b, off, off + len, (byte) 7);
              return len;
            }
          };
      assertThatThrownBy(
              () -> store.add(AddRequest.of("img", endless).withSizeCap(5_000_000)))
          .isInstanceOf(SizeCapExceededException.class);
      assertRetrySucceeds(store, dir, "img");
    }
  }

  @Test
  void exactlyTheCapIsAccepted() {
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      byte[] data = random(1 << 20, 4);
      AddResult r =
          store.add(
              AddRequest.of("img", new ByteArrayInputStream(data)).withSizeCap(data.length));
      assertThat(r.size()).isEqualTo(data.length);
    }
  }

  @Test
  void aListenerThatThrowsFailsTheAddCleanly() throws Exception {
    Path dir = tmp.resolve("d");
    try (Store store = TestStores.open(dir)) {
      assertThatThrownBy(
              () ->
                  store.add(
                      AddRequest.of("img", new ByteArrayInputStream(random(3_000_000, 5)))
                          .withProgress(
                              (n, d) -> {
                                if (n > 1_000_000) {
                                  throw new IllegalStateException("listener broke");
                                }
                              })))
          .hasMessageContaining("listener broke");
      assertRetrySucceeds(store, dir, "img");
    }
  }

  @ParameterizedTest(name = "direct_io: {0}")
  @ValueSource(booleans = {false, true})
  void progressIsReportedAsBytesLandWhileHashingRunsOnOtherThreads(boolean directIo)
      throws Exception {
    Path dir = tmp.resolve("d");
    // Progress is reported once per block (1 or 4 MiB, by the heap's size): several of them.
    byte[] data = random(5 * ImageMeter.DEFAULT_BLOCK_SIZE + 12_345, 6);
    List<Long> reports = new ArrayList<>();
    List<Long> onDisk = new ArrayList<>();
    List<Long> hashThreads = new ArrayList<>();
    FilesystemConfig config = FilesystemConfig.ofDatadir(dir.toString()).withDirectIo(directIo);
    try (Store store = TestStores.open(config, tmp)) {
      store.add(
          AddRequest.of("img", new ByteArrayInputStream(data))
              .withDeclaredSize(data.length)
              .withProgress(
                  (written, declared) -> {
                    assertThat(declared).hasValue(data.length);
                    reports.add(written);
                    onDisk.add(tempFileSize(dir));
                    hashThreads.add(
                        Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.getName().startsWith("stowage-digest-"))
                            .filter(t -> t != Thread.currentThread())
                            .count());
                  }));
    }
    assertThat(reports).hasSizeGreaterThan(3).isSorted().doesNotHaveDuplicates();
    assertThat(reports.get(reports.size() - 1)).isEqualTo(data.length);
    for (int i = 0; i < reports.size(); i++) {
      if (directIo) {
        // Written on the sink's own thread: the file may lag by the buffers in flight, never
        // more, and never holds more than was reported.
        assertThat(onDisk.get(i)).as("bytes in the file at report %d", i)
            .isLessThanOrEqualTo(reports.get(i))
            .isGreaterThanOrEqualTo(reports.get(i) - (long) DirectSink.MOST * IoBuffers.SIZE);
      } else {
        assertThat(onDisk.get(i)).as("bytes in the file at report %d", i).isEqualTo(reports.get(i));
      }
    }
    assertThat(hashThreads).allMatch(n -> n >= 2);
  }

  private static long tempFileSize(Path dir) {
    try (var s = Files.list(dir)) {
      Path temp = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).findFirst().orElseThrow();
      return Files.size(temp);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void concurrentAddsOfOneIdEndWithOneWinner() throws Exception {
    Path dir = tmp.resolve("d");
    int n = 6;
    byte[][] data = new byte[n][];
    for (int i = 0; i < n; i++) {
      data[i] = random(2_000_000, 100 + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try (Store store = TestStores.open(dir)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<AddResult>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        Callable<AddResult> add =
            () -> {
              start.await();
              return store.add(AddRequest.of("same", new ByteArrayInputStream(data[k])));
            };
        futures.add(pool.submit(add));
      }
      start.countDown();
      int wins = 0;
      String winnerMd5 = null;
      for (Future<AddResult> f : futures) {
        try {
          winnerMd5 = f.get().md5();
          wins++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(DuplicateException.class);
        }
      }
      assertThat(wins).isEqualTo(1);
      assertThat(hex("MD5", Files.readAllBytes(dir.resolve("same")))).isEqualTo(winnerMd5);
      assertThat(entries(dir)).containsExactly("same");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anIdStoredInAnotherFolderIsDuplicate() throws Exception {
    try (Store store =
        TestStores.open(FilesystemConfig.ofDatadirs(List.of("hi:10", "lo:1")), tmp)) {
      Files.write(tmp.resolve("lo/img"), new byte[] {1});
      assertThatThrownBy(() -> TestStores.add(store, "img", new byte[] {2}))
          .isInstanceOf(DuplicateException.class);
      assertThat(entries(tmp.resolve("hi"))).isEmpty();
    }
  }

  @Test
  void idsTooLongForAFileNameAreRefusedBeforeWriting() throws Exception {
    Path dir = tmp.resolve("d");
    try (Store store = TestStores.open(dir)) {
      String id = "é".repeat(200); // 200 characters, 400 bytes
      assertThatThrownBy(() -> TestStores.add(store, id, new byte[] {1}))
          .isInstanceOf(StowageException.class)
          .hasMessageContaining("255 bytes");
      assertThat(entries(dir)).isEmpty();
      String longest = "x".repeat(255);
      assertThat(TestStores.add(store, longest, new byte[] {1}).size()).isEqualTo(1);
    }
  }
}
