package io.stowage.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.HashAlgorithm;
import io.stowage.api.Multihash;
import io.stowage.api.StoreIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageHasherTest {
  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static String hex(String jdk, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(jdk).digest(data));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4095, 4096, 4097, 5 * 4096 + 17, (1 << 20) + 3})
  void hashesEveryBytePushedInAnyChunking(int size) throws Exception {
    byte[] data = random(size);
    Random chunks = new Random(size + 1);
    List<Multihash> got;
    try (ImageHasher hasher =
        ImageHasher.start(List.of(HashAlgorithm.MD5, HashAlgorithm.SHA512), 4096)) {
      int at = 0;
      while (at < size) {
        int n = Math.min(size - at, 1 + chunks.nextInt(3 * 4096));
        // A direct buffer, at an offset, with bytes past the limit that must not be hashed.
        ByteBuffer src = ByteBuffer.allocateDirect(n + 20);
        src.position(7);
        src.put(data, at, n);
        src.put(new byte[13]);
        src.position(7).limit(7 + n);
        hasher.update(src);
        assertThat(src.position()).as("position untouched").isEqualTo(7);
        assertThat(src.limit()).isEqualTo(7 + n);
        src.put(0, (byte) 1).put(7, (byte) 2); // the caller may reuse its buffer at once
        at += n;
      }
      got = hasher.finish();
    }
    assertThat(got).containsExactly(
        new Multihash(HashAlgorithm.MD5, hex("MD5", data)),
        new Multihash(HashAlgorithm.SHA512, hex("SHA-512", data)));
  }

  @Test
  void keepsUpWithMoreBlocksThanThePoolHolds() throws Exception {
    byte[] data = random(64 * 4096);
    try (ImageHasher hasher = ImageHasher.start(List.of(HashAlgorithm.SHA256), 4096)) {
      hasher.update(ByteBuffer.wrap(data));
      assertThat(hasher.finish())
          .containsExactly(new Multihash(HashAlgorithm.SHA256, hex("SHA-256", data)));
    }
  }

  @Test
  void withNoAlgorithmsDoesNothing() {
    try (ImageHasher hasher = ImageHasher.start(List.of())) {
      hasher.update(ByteBuffer.wrap(random(100)));
      assertThat(hasher.finish()).isEmpty();
    }
  }

  @Test
  void isDoneAfterFinishOrClose() {
    ImageHasher finished = ImageHasher.start(List.of(HashAlgorithm.MD5));
    finished.finish();
    assertThatThrownBy(() -> finished.update(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(finished::finish).isInstanceOf(IllegalStateException.class);
    finished.close();

    ImageHasher closed = ImageHasher.start(List.of(HashAlgorithm.MD5), 4096);
    closed.update(ByteBuffer.wrap(random(3 * 4096 + 5)));
    closed.close();
    closed.close();
    assertThatThrownBy(() -> closed.update(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anAbandonedHasherDoesNotHoldUpTheNext() {
    // Abandoning releases every block, so many hashers in a row never run out of threads or
    // buffers; each still hashes right.
    byte[] data = random(10 * 4096);
    for (int i = 0; i < 50; i++) {
      ImageHasher h = ImageHasher.start(List.of(HashAlgorithm.MD5, HashAlgorithm.SHA1), 4096);
      h.update(ByteBuffer.wrap(data));
      h.close();
    }
    try (ImageHasher h = ImageHasher.start(List.of(HashAlgorithm.SHA1), 4096)) {
      h.update(ByteBuffer.wrap(data));
      assertThat(h.finish().get(0).value()).isEqualTo(HexFormat.of().formatHex(sha1(data)));
    }
  }

  @Test
  void anInterruptedPushFailsCleanly() throws Exception {
    try (ImageHasher hasher = ImageHasher.start(List.of(HashAlgorithm.SHA512), 4096)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> hasher.update(ByteBuffer.wrap(random(100 * 4096))))
          .isInstanceOf(StoreIOException.class).hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).as("flag set again").isTrue();
    }
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
