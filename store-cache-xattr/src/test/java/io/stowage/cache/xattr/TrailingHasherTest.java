package io.stowage.cache.xattr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.HashAlgorithm;
import io.stowage.api.Multihash;
import io.stowage.api.StoreIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailingHasherTest {
  @TempDir Path dir;

  private static String hex(String jdk, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(jdk).digest(data));
  }

  @Test
  void hashesWhatWasWrittenUpToTheLastAdvance() throws Exception {
    byte[] data = new byte[3 * (1 << 20) + 12_345];
    new Random(7).nextBytes(data);
    try (FileChannel file = FileChannel.open(dir.resolve("e"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      TrailingHasher hasher =
          new TrailingHasher(file, List.of(HashAlgorithm.MD5, HashAlgorithm.SHA512));
      Random chunks = new Random(8);
      int at = 0;
      while (at < data.length) {
        int n = Math.min(data.length - at, 1 + chunks.nextInt(300_000));
        file.write(ByteBuffer.wrap(data, at, n));
        at += n;
        hasher.advance(at);
      }
      // Bytes written after the last advance are not part of the entry.
      file.write(ByteBuffer.wrap(new byte[100]));
      assertThat(hasher.finish()).containsExactly(
          new Multihash(HashAlgorithm.MD5, hex("MD5", data)),
          new Multihash(HashAlgorithm.SHA512, hex("SHA-512", data)));
      hasher.close();
    }
  }

  @Test
  void anEmptyEntryHasTheEmptyDigest() throws Exception {
    try (FileChannel file = FileChannel.open(dir.resolve("e"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      TrailingHasher hasher = new TrailingHasher(file, List.of(HashAlgorithm.SHA256));
      assertThat(hasher.finish()).containsExactly(
          new Multihash(HashAlgorithm.SHA256, hex("SHA-256", new byte[0])));
    }
  }

  @Test
  void aFileShorterThanAdvancedFailsTheFinishAndAClosedOneStopsTheThread() throws Exception {
    try (FileChannel file = FileChannel.open(dir.resolve("e"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap(new byte[10]));
      TrailingHasher hasher = new TrailingHasher(file, List.of(HashAlgorithm.MD5));
      hasher.advance(20);
      assertThatThrownBy(hasher::finish).isInstanceOf(StoreIOException.class)
          .hasMessageContaining("shorter");
    }
    FileChannel file = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    file.write(ByteBuffer.wrap(new byte[5 << 20]));
    TrailingHasher abandoned = new TrailingHasher(file, List.of(HashAlgorithm.SHA512));
    abandoned.advance(5 << 20);
    abandoned.close();
    file.close();
    assertThatThrownBy(abandoned::finish).isInstanceOf(StoreIOException.class);
  }
}
