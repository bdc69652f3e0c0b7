package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.LockedException;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming ingests without re-reading what they stored. That a resume did not re-read is shown
 * by overwriting the stored bytes on disk before resuming: a resume that re-read them would end
 * with the digest of the garbage, one that did not ends with the digest of what was written.
 */
class ResumeTest {
  private static final int MIB = 1 << 20;

  @TempDir Path root;

  private static Digest sha256(byte[]... parts) {
    var md = DigestAlgorithm.SHA256.newDigest();
    for (byte[] p : parts) {
      md.update(p);
    }
    return Digest.of(DigestAlgorithm.SHA256, md.digest());
  }

  private Path data(String ref) {
    return root.resolve("ingest").resolve(Layout.sha256Hex(ref)).resolve("data");
  }

  private void overwrite(String ref, long from, long to) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(data(ref).toFile(), "rw")) {
      f.seek(from);
      f.write(new byte[(int) (to - from)]);
    }
  }

  @Test
  void inTheSameProcessNothingStoredIsReadAgain() throws IOException {
    byte[] head = Stores.bytes(1, 2 * MIB + 5);
    byte[] tail = Stores.bytes(2, MIB);
    try (LocalContentStore store = Stores.open(root)) {
      try (ContentWriter w = store.writer("r", OptionalLong.of(head.length + tail.length))) {
        w.write(head, 0, head.length);
      }
      overwrite("r", 0, head.length);
      try (ContentWriter w = store.writer("r", OptionalLong.empty())) {
        assertThat(w.status().offset()).isEqualTo(head.length);
        w.write(tail, 0, tail.length);
        assertThat(w.digest()).isEqualTo(sha256(head, tail));
      }
    }
  }

  @Test
  void afterARestartOnlyBytesPastTheCheckpointAreRead() throws IOException {
    byte[] head = Stores.bytes(3, 3 * MIB);
    byte[] tail = Stores.bytes(4, 100);
    try (LocalContentStore store = Stores.open(root, MIB)) {
      try (ContentWriter w = store.writer("r", OptionalLong.empty())) {
        w.write(head, 0, head.length);
      }
      awaitCheckpoint("r", head.length);
    }
    overwrite("r", 0, head.length);
    try (LocalContentStore store = Stores.open(root, MIB);
        ContentWriter w = store.writer("r", OptionalLong.empty())) {
      assertThat(w.status().offset()).isEqualTo(head.length);
      w.write(tail, 0, tail.length);
      assertThat(w.digest()).isEqualTo(sha256(head, tail));
    }
  }

  @Test
  void resumesAreRightWhateverCheckpointsThereAre() throws IOException {
    for (long interval : List.of(0L, 256L * 1024, 10L * MIB)) {
      String ref = "r" + interval;
      byte[] first = Stores.bytes(interval, MIB + 333);
      byte[] second = Stores.bytes(interval + 1, 777);
      byte[] third = Stores.bytes(interval + 2, MIB);
      try (LocalContentStore store = Stores.open(root, interval)) {
        try (ContentWriter w = store.writer(ref, OptionalLong.empty())) {
          w.write(first, 0, first.length);
        }
      }
      try (LocalContentStore store = Stores.open(root, interval)) {
        try (ContentWriter w = store.writer(ref, OptionalLong.empty())) {
          w.write(second, 0, second.length);
        }
      }
      try (LocalContentStore store = Stores.open(root, interval);
          ContentWriter w = store.writer(ref, OptionalLong.empty())) {
        w.write(third, 0, third.length);
        Digest expected = sha256(first, second, third);
        assertThat(w.digest()).as("interval " + interval).isEqualTo(expected);
        assertThat(w.commit(OptionalLong.empty(), Optional.of(expected), Map.of()).digest())
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void anotherProcessHoldsTheRefUntilItIsKilledAndItsIngestResumes() throws Exception {
    int size = 2 * MIB;
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), Child.class.getName(),
        "hold", root.toString(), "shared", Integer.toString(size), Integer.toString(MIB))
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        // slf4j-simple lines
      }
      assertThat(line).as("the child's READY").isEqualTo("READY");
      try (LocalContentStore store = Stores.open(root, MIB)) {
        Thread.sleep(200);
        assertThatThrownBy(() -> store.writer("shared", OptionalLong.empty()))
            .isInstanceOfSatisfying(LockedException.class, e -> {
              assertThat(e.heldFor()).hasValueSatisfying(
                  d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(200)));
              assertThat(e.getMessage()).contains("held for");
            });
        assertThatThrownBy(() -> store.abort("shared")).isInstanceOf(LockedException.class);
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        overwrite("shared", 0, size);
        byte[] tail = Stores.bytes(5, 1000);
        try (ContentWriter w = store.writer("shared", OptionalLong.empty())) {
          assertThat(w.status().offset()).isEqualTo(size);
          w.write(tail, 0, tail.length);
          assertThat(w.digest()).isEqualTo(sha256(Stores.bytes(42, size), tail));
        }
      }
    } finally {
      child.destroyForcibly();
    }
  }

  private void awaitCheckpoint(String ref, long offset) throws IOException {
    Path state = data(ref).resolveSibling("hashstate");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(state) && Files.readString(state).contains(" " + offset + " ")) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no checkpoint at " + offset);
  }
}
