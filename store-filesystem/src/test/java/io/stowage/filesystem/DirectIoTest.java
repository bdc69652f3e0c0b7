package io.stowage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.DataSize;
import io.stowage.api.DataStreamException;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Store;
import io.stowage.tck.RequiredTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adds with {@code direct_io} (the default): the file is written through an {@code O_DIRECT}
 * descriptor, any length and any chunk size reads back byte for byte, and a failure still
 * leaves nothing.
 */
class DirectIoTest {
  /** {@code O_DIRECT} on x86-64 and arm64 Linux, as /proc/self/fdinfo shows it (octal). */
  private static final int O_DIRECT = 040000;
  private static final int ARM_O_DIRECT = 0200000;

  @TempDir Path tmp;

  private Store open(FilesystemConfig config) {
    return TestStores.open(config, tmp);
  }

  private FilesystemConfig config(String folder) {
    return FilesystemConfig.ofDatadir(tmp.resolve(folder).toString());
  }

  @Test
  void theFileIsWrittenThroughADirectDescriptorUnlessTurnedOff() {
    assertThat(directDescriptorsSeenDuringAdd("on", config("on"))).isTrue();
    assertThat(directDescriptorsSeenDuringAdd("off", config("off").withDirectIo(false))).isFalse();
  }

  // Whether, while the add reported progress, a descriptor of this process open on the
  // temporary file had O_DIRECT set.
  private boolean directDescriptorsSeenDuringAdd(String folder, FilesystemConfig config) {
    byte[] data = TestStores.random(5 << 20, 1);
    List<Boolean> seen = new ArrayList<>();
    try (Store store = open(config)) {
      store.add(AddRequest.of("img", new ByteArrayInputStream(data))
          .withProgress((n, d) -> seen.add(directDescriptorOn(tmp.resolve(folder)))));
      assertThat(Files.readAllBytes(tmp.resolve(folder).resolve("img"))).isEqualTo(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(seen).isNotEmpty();
    return seen.contains(true);
  }

  private static boolean directDescriptorOn(Path folder) {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        Path target;
        try {
          target = Files.readSymbolicLink(fd);
        } catch (IOException gone) {
          continue;
        }
        if (target.startsWith(folder) && target.getFileName().toString().endsWith(".tmp")) {
          for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
            if (line.startsWith("flags:")) {
              int flags = Integer.parseInt(line.substring(6).strip(), 8);
              if ((flags & (isArm() ? ARM_O_DIRECT : O_DIRECT)) != 0) {
                return true;
              }
            }
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isArm() {
    return System.getProperty("os.arch").contains("aarch64");
  }

  /**
   * The disk gets few, large writes: the add's blocks (1 or 4 MiB) are gathered into buffers of {@link
   * IoBuffers#SIZE}, each written in one call (on this VM 512 KiB writes made the disk the
   * bottleneck of an upload), and only the stream's last bytes past a block boundary go through
   * the ordinary descriptor. Seen from outside: every {@code pwrite64} of a child JVM's add,
   * traced with strace.
   */
  @Test
  void theDiskGetsOneWritePerFullBuffer() throws Exception {
    RequiredTools.require("strace", "apt-get install strace");
    Path trace = tmp.resolve("trace");
    long size = 2L * IoBuffers.SIZE + 2_097_152 + 4_321;
    ChildJvm.Result r = ChildJvm.run(
        List.of("strace", "-f", "-qq", "-s", "0", "-e", "trace=pwrite64", "-o", trace.toString()),
        null, "add", tmp.resolve("d").toString(), "img", Long.toString(size));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("OK " + size + " " + ChildMain.md5Of(size));
    Pattern call = Pattern.compile("pwrite64\\(\\d+, .*, (\\d+), (\\d+)\\) += (\\d+)$");
    List<String> writes = new ArrayList<>();
    for (String line : Files.readAllLines(trace)) {
      Matcher m = call.matcher(line);
      if (m.find()) {
        writes.add(m.group(1) + "@" + m.group(2));
      }
    }
    long tail = size - 2L * IoBuffers.SIZE;
    long aligned = tail - tail % IoBuffers.ALIGNMENT;
    assertThat(writes).containsExactly(
        IoBuffers.SIZE + "@0",
        IoBuffers.SIZE + "@" + IoBuffers.SIZE,
        aligned + "@" + 2L * IoBuffers.SIZE,
        (tail - aligned) + "@" + (2L * IoBuffers.SIZE + aligned));
  }

  /**
   * A durable add flushes the file every {@link Flusher#STEP} bytes while it writes, so that the
   * flush at the end has little left (a virtual disk's cache may hold all that was written
   * direct): seen as the {@code fdatasync} calls of a child JVM's add, traced with strace.
   */
  @Test
  void aDurableAddFlushesAlongTheWay() throws Exception {
    RequiredTools.require("strace", "apt-get install strace");
    Path trace = tmp.resolve("trace");
    long size = 4 * Flusher.STEP + 12_345;
    ChildJvm.Result r = ChildJvm.run(
        List.of("strace", "-f", "-qq", "-e", "trace=fdatasync", "-o", trace.toString()),
        null, "add", tmp.resolve("d").toString(), "img", Long.toString(size));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("OK " + size + " " + ChildMain.md5Of(size));
    assertThat(Files.readAllLines(trace).stream().filter(l -> l.contains("fdatasync(")))
        .as("flushes during the add").hasSize(4);
  }

  /**
   * Adds at once that need more direct memory than the JVM allows (here 24 MiB for 6 adds of
   * three 4 MiB buffers each) still succeed: with no room for a buffer, an add waits for its own
   * or, with none, writes through the page cache.
   */
  @Test
  void addsBeyondTheDirectMemoryLimitSucceed() throws Exception {
    long size = 3L * IoBuffers.SIZE + 12_345;
    int adds = 6;
    ChildJvm.Result r = ChildJvm.run(
        List.of("env", "JAVA_TOOL_OPTIONS=-XX:MaxDirectMemorySize=24m"), null,
        "add-many", tmp.resolve("d").toString(), "img", Long.toString(size), Integer.toString(adds));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout().lines()).as(r.stderr())
        .containsExactlyElementsOf(java.util.Collections.nCopies(adds,
            "OK " + size + " " + ChildMain.md5Of(size)));
    for (int i = 0; i < adds; i++) {
      assertThat(Files.size(tmp.resolve("d/img-" + i))).isEqualTo(size);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 511, 4095, 4096, 4097, 524_287, 524_288, 524_289, 1_048_576,
      1_048_577, 3_145_728 + 4_321, 4_194_303, 4_194_304, 4_194_305, 12_582_912 + 4_321})
  void everyLengthReadsBackIdentical(int length) throws IOException {
    byte[] data = TestStores.random(length, length);
    try (Store store = open(config("d"))) {
      AddResult r = TestStores.add(store, "img", data);
      assertThat(r.size()).isEqualTo(length);
      assertThat(r.md5()).isEqualTo(TestStores.hex("MD5", data));
    }
    assertThat(Files.readAllBytes(tmp.resolve("d/img"))).isEqualTo(data);
    assertThat(TestStores.entries(tmp.resolve("d"))).containsExactly("img");
  }

  /**
   * Chunks smaller than a file system block, with thin provisioning: runs of data start at
   * unaligned positions, which go through the ordinary descriptor; the rest goes direct.
   */
  @ParameterizedTest(name = "chunk {0}")
  @ValueSource(strings = {"512", "4KiB", "64KiB", "3000"})
  void thinAddsWithAnyChunkSizeReadBackIdentical(String chunk) throws IOException {
    int size = (int) DataSize.parse(chunk).bytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 40; i++) {
      // data, zeros, data of odd length, a long run of zeros ...
      out.writeBytes(TestStores.random(size * (1 + i % 3), i));
      out.writeBytes(new byte[size * (i % 4)]);
      out.writeBytes(TestStores.random(777 * i, 100 + i));
      out.writeBytes(new byte[(i % 5) * 70_000]);
    }
    byte[] data = out.toByteArray();
    FilesystemConfig config = config("thin").withThinProvisioning(true)
        .withChunkSize(DataSize.parse(chunk));
    try (Store store = open(config)) {
      AddResult r = TestStores.add(store, "img", data);
      assertThat(r.md5()).isEqualTo(TestStores.hex("MD5", data));
    }
    assertThat(Files.readAllBytes(tmp.resolve("thin/img"))).isEqualTo(data);
  }

  @Test
  void aStreamFailingMidwayLeavesNothingAndTheIdCanBeAddedAgain() throws IOException {
    byte[] data = TestStores.random(7 << 20, 3);
    InputStream failing = new InputStream() {
      private final InputStream in = new ByteArrayInputStream(data, 0, 5 << 20);

      @Override
      public int read() throws IOException {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
          throw new IOException("connection reset");
        }
        return n;
      }
    };
    try (Store store = open(config("d"))) {
      assertThatThrownBy(() -> store.add(AddRequest.of("img", failing)))
          .isInstanceOf(DataStreamException.class)
          .hasMessageContaining("connection reset");
      assertThat(TestStores.entries(tmp.resolve("d"))).isEmpty();
      TestStores.add(store, "img", data);
    }
    assertThat(Files.readAllBytes(tmp.resolve("d/img"))).isEqualTo(data);
  }
}
