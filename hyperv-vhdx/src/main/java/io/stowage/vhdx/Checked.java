package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Exact arithmetic and checksums on values read from an image: overflow is damage. */
final class Checked {
  private Checked() {}

  static long multiply(long a, long b, String what) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new InvalidImageDataException(what + " overflows");
    }
  }

  /**
   * CRC-32C of {@code length} bytes from {@code b}'s position 0, as if the 4-byte field at
   * {@code crcOffset} were zero.
   */
  static int crc32c(ByteBuffer b, int length, int crcOffset) {
    CRC32C crc = new CRC32C();
    ByteBuffer d = b.duplicate().clear();
    crc.update(d.limit(crcOffset));
    crc.update(new byte[4]);
    crc.update(b.duplicate().clear().position(crcOffset + 4).limit(length));
    return (int) crc.getValue();
  }

  /** Writes the CRC-32C of the structure into its checksum field. */
  static void seal(ByteBuffer b, int length, int crcOffset) {
    b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(crcOffset, crc32c(b, length, crcOffset));
  }
}
