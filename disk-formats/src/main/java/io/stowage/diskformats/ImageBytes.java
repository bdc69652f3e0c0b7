package io.stowage.diskformats;

import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Random access to the bytes of an image under inspection: a file, or what a one-pass inspection
 * kept of a stream. Every read is bounds-checked against the image's size, and a range outside
 * it is damage ({@link InvalidImageDataException}), never an I/O error or a runtime exception.
 */
interface ImageBytes {

  /** The image's length in bytes. */
  long size();

  /** Fills {@code dst} from {@code position}; the range is already known to be inside. */
  void readFully(long position, ByteBuffer dst);

  /**
   * {@code length} bytes at {@code position} in a new buffer of the given byte order.
   *
   * @throws InvalidImageDataException the range is not inside the image
   */
  default ByteBuffer read(long position, int length, ByteOrder order, String what) {
    require(position, length, what);
    ByteBuffer b = ByteBuffer.allocate(length).order(order);
    readFully(position, b);
    return b.flip();
  }

  /** Up to {@code length} bytes at {@code position}: fewer when the image ends first. */
  default ByteBuffer readUpTo(long position, int length, ByteOrder order) {
    if (position < 0 || position >= size()) {
      return ByteBuffer.allocate(0).order(order);
    }
    long n = Math.min(length, size() - position);
    return read(position, (int) n, order, "data");
  }

  /**
   * Refuses a range that is not inside the image, naming {@code what} it was.
   *
   * @throws InvalidImageDataException it is not
   */
  default void require(long position, long length, String what) {
    if (position < 0 || length < 0 || position > size() || length > size() - position) {
      throw new InvalidImageDataException(what + " at offset " + Long.toUnsignedString(position)
          + " (" + Long.toUnsignedString(length) + " bytes) lies beyond the end of the image ("
          + size() + " bytes): truncated or damaged");
    }
  }
}
