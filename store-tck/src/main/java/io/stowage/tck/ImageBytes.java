package io.stowage.tck;


import io.stowage.api.ImageData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Test images: making them, reading them back from a store, and comparing them. */
final class ImageBytes {
  /** An odd size, so reads never line up with a store's buffers. */
  private static final int READ_BUFFER = 8191;

  /** How often in a row a channel may read nothing before the kit calls it stuck. */
  private static final int MAX_EMPTY_READS = 10_000;

  private ImageBytes() {}

  /**
   * {@code size} pseudo-random bytes; the same seed gives the same bytes. From 4 KiB on, two
   * runs of zeros, as disk images have — from a third to half of the image, and its last
   * eighth — so that a store skipping or deduplicating zeros is tested too.
   */
  static byte[] random(long seed, int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    if (size >= 4096) {
      Arrays.fill(bytes, size / 3, size / 2, (byte) 0);
      Arrays.fill(bytes, size - size / 8, size, (byte) 0);
    }
    return bytes;
  }

  /** The lowercase hex digest of {@code data} by the JDK algorithm {@code jdkName}. */
  static String digest(String jdkName, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(jdkName).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("the JDK lacks " + jdkName, e);
    }
  }

  /**
   * Every byte of {@code data} read through {@link ImageData#channel()} in small reads, checked
   * against {@link ImageData#size()}.
   */
  static byte[] readByChannel(ImageData data) throws IOException {
    long size = data.size();
    assertThat(size).as("ImageData.size()").isNotNegative();
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, 1 << 24));
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
    ReadableByteChannel channel = data.channel();
    int emptyReads = 0;
    int n;
    while ((n = channel.read(buffer)) >= 0) {
      if (n == 0 && ++emptyReads > MAX_EMPTY_READS) {
        fail("the image channel keeps reading 0 bytes after " + out.size() + " bytes");
      } else if (n > 0) {
        emptyReads = 0;
      }
      out.write(buffer.array(), 0, buffer.position());
      buffer.clear();
      if (out.size() > size) {
        fail("the image channel yields more than ImageData.size() = " + size + " bytes");
      }
    }
    assertThat((long) out.size()).as("bytes the channel yields, against ImageData.size()")
        .isEqualTo(size);
    return out.toByteArray();
  }

  /** Every byte of {@code data} copied by {@link ImageData#transferTo}, checked as above. */
  static byte[] readByTransfer(ImageData data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long copied = data.transferTo(Channels.newChannel(out));
    assertThat(copied).as("ImageData.transferTo's count").isEqualTo(out.size());
    assertThat(copied).as("bytes transferTo copies, against ImageData.size()")
        .isEqualTo(data.size());
    return out.toByteArray();
  }

  /** Fails naming the first differing byte; never prints megabytes of data. */
  static void assertSameBytes(byte[] actual, byte[] expected, String what) {
    int at = Arrays.mismatch(actual, expected);
    if (at >= 0) {
      fail("%s: %d bytes read, %d expected; first difference at byte %d",
          what, actual.length, expected.length, at);
    }
  }
}
