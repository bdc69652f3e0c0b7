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

class EntryDigestsTest {
  @TempDir Path dir;

  private static String hex(String jdk, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(jdk).digest(data));
  }

  private FileChannel file(String name) throws Exception {
    return FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Test
  void hashesTheWrittenLengthAcrossManyReadsAndIgnoresBytesAfterIt() throws Exception {
    byte[] data = new byte[3 * (1 << 20) + 12_345]; // more than one read, and a partial one
    new Random(7).nextBytes(data);
    try (FileChannel file = file("e")) {
      file.write(ByteBuffer.wrap(data));
      file.write(ByteBuffer.wrap(new byte[100])); // not part of the entry
      assertThat(EntryDigests.of(file, data.length,
          List.of(HashAlgorithm.MD5, HashAlgorithm.SHA512))).containsExactly(
          new Multihash(HashAlgorithm.MD5, hex("MD5", data)),
          new Multihash(HashAlgorithm.SHA512, hex("SHA-512", data)));
    }
  }

  @Test
  void anEmptyEntryHasTheEmptyDigest() throws Exception {
    try (FileChannel file = file("e")) {
      assertThat(EntryDigests.of(file, 0, List.of(HashAlgorithm.SHA256))).containsExactly(
          new Multihash(HashAlgorithm.SHA256, hex("SHA-256", new byte[0])));
    }
  }

  @Test
  void aFileShorterThanWrittenOrClosedFailsWithAStoreError() throws Exception {
    try (FileChannel file = file("e")) {
      file.write(ByteBuffer.wrap(new byte[10]));
      assertThatThrownBy(() -> EntryDigests.of(file, 20, List.of(HashAlgorithm.MD5)))
          .isInstanceOf(StoreIOException.class)
          .hasMessage("the cache entry's file ends at byte 10 of the 20 written");
    }
    FileChannel closed = file("f");
    closed.write(ByteBuffer.wrap(new byte[5 << 20]));
    closed.close();
    assertThatThrownBy(() -> EntryDigests.of(closed, 5 << 20, List.of(HashAlgorithm.SHA512)))
        .isInstanceOf(StoreIOException.class)
        .hasMessageStartingWith("reading the cache entry back to hash it failed");
  }
}
