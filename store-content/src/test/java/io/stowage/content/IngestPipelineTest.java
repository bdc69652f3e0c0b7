package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.StorageFullException;
import io.stowage.api.StowageException;
import io.stowage.api.content.CommitResult;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import io.stowage.tck.Mounts;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest writes go through {@link WritePipeline}: the caller hashes while another thread writes.
 * What was written is what was given, whatever the sizes and kinds of the buffers; a write error
 * (a full tmpfs) surfaces once, leaves no blob and a resumable prefix.
 */
class IngestPipelineTest {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private final Mounts mounts = new Mounts();

  @AfterEach
  void unmount() throws Exception {
    mounts.close();
  }

  private static Digest sha256(byte[] data) {
    return Digest.of(DigestAlgorithm.SHA256, DigestAlgorithm.SHA256.newDigest().digest(data));
  }

  @Test
  void writesOfEverySizeAndKindArriveWholeAndInOrder() throws Exception {
    byte[] data = Stores.bytes(3, 9 * MIB + 12345);
    Random random = new Random(4);
    try (LocalContentStore store = Stores.open(tmp.resolve("root"), MIB)) {
      CommitResult r;
      try (ContentWriter w = store.writer("r", OptionalLong.empty())) {
        int at = 0;
        while (at < data.length) {
          int n = Math.min(data.length - at, switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt(100);
            case 1 -> 1 + random.nextInt(64 * 1024);
            case 2 -> MIB;
            default -> 1 + random.nextInt(3 * MIB);
          });
          ByteBuffer b;
          if (random.nextBoolean()) {
            b = ByteBuffer.allocateDirect(n).put(data, at, n).flip();
          } else {
            b = ByteBuffer.wrap(data, at, n);
          }
          w.write(b);
          assertThat(b.hasRemaining()).isFalse();
          at += n;
          if (random.nextInt(8) == 0) {
            assertThat(w.status().offset()).isEqualTo(at);
          }
        }
        r = w.commit(OptionalLong.of(data.length), Optional.of(sha256(data)), Map.of());
      }
      assertThat(Files.readAllBytes(tmp.resolve("root/blobs/sha256").resolve(r.digest().hex())))
          .isEqualTo(data);
    }
  }

  @Test
  void truncateInTheMiddleOfQueuedWritesStartsFromAnEmptyFile() throws Exception {
    byte[] junk = Stores.bytes(5, 6 * MIB);
    byte[] data = Stores.bytes(6, 3 * MIB + 7);
    try (LocalContentStore store = Stores.open(tmp.resolve("root"), MIB)) {
      try (ContentWriter w = store.writer("r", OptionalLong.empty())) {
        w.write(junk, 0, junk.length);
        w.truncate(0);
        w.write(data, 0, data.length);
        CommitResult r = w.commit(OptionalLong.of(data.length), Optional.of(sha256(data)),
            Map.of());
        assertThat(r.digest()).isEqualTo(sha256(data));
      }
    }
  }

  @Test
  void aFullDiskSurfacesOnceLeavesNoBlobAndTheIngestResumesWhenThereIsRoom() throws Exception {
    Path root = mounts.tmpfs(tmp.resolve("small"), "8m");
    byte[] data = Stores.bytes(7, 12 * MIB);
    try (LocalContentStore store = Stores.open(root, MIB)) {
      ContentWriter w = store.writer("r", OptionalLong.empty());
      List<StowageException> thrown = new ArrayList<>();
      int at = 0;
      try {
        for (; at < data.length; at += MIB) {
          w.write(data, at, MIB);
        }
        w.commit(OptionalLong.of(data.length), Optional.empty(), Map.of());
      } catch (StowageException e) {
        thrown.add(e);
      }
      assertThat(thrown).singleElement().isInstanceOf(StorageFullException.class);
      assertThat(thrown.get(0).getMessage()).contains("No space left on device");
      // The writer ended with the error: it reports it no more, and took nothing else.
      assertThatThrownBy(() -> w.write(data, 0, MIB)).isInstanceOf(IllegalStateException.class);
      w.close();
      try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"))) {
        assertThat(blobs.toList()).as("no blob, partial or not").isEmpty();
      }

      mounts.resize(root, "32m");
      // The ref is free, and the ingest holds a prefix of the data.
      try (ContentWriter again = store.writer("r", OptionalLong.empty())) {
        long offset = again.status().offset();
        assertThat(offset).isPositive().isLessThan(data.length);
        again.write(data, (int) offset, data.length - (int) offset);
        CommitResult r = again.commit(OptionalLong.of(data.length), Optional.of(sha256(data)),
            Map.of());
        assertThat(r.outcome()).isEqualTo(CommitResult.Outcome.CREATED);
      }
    }
  }

  @Test
  void theWritingThreadEndsWithTheWriter() throws Exception {
    try (LocalContentStore store = Stores.open(tmp.resolve("root"), MIB)) {
      for (int i = 0; i < 3; i++) {
        try (ContentWriter w = store.writer("r" + i, OptionalLong.empty())) {
          w.write(Stores.bytes(i, MIB + 1), 0, MIB + 1);
        }
      }
      ContentWriter w = store.writer("c", OptionalLong.empty());
      w.write(Stores.bytes(9, 10), 0, 10);
      w.commit(OptionalLong.empty(), Optional.empty(), Map.of());
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("stowage-content-write-")).toList()).isEmpty();
    }
  }
}
