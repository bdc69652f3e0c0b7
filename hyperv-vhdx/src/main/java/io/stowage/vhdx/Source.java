package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Random-access bytes of an image file: a file, the parts of a stream that were kept, or a
 * file seen through its replayed log. Reading past the end is damage, not an I/O error.
 */
interface Source {

  /** The file's length in bytes. */
  long size();

  /**
   * Fills {@code dst}'s remaining bytes from {@code position}.
   *
   * @throws InvalidImageDataException the range is not inside the file (or was not kept)
   * @throws io.stowage.api.StoreIOException reading failed
   */
  void read(long position, ByteBuffer dst);

  /** Reads {@code length} bytes at {@code position} into a new little-endian buffer. */
  default ByteBuffer read(long position, int length, String what) {
    check(position, length, what);
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    read(position, b);
    return b.flip();
  }

  /** Refuses a range that is not inside the file, naming {@code what} it was. */
  default void check(long position, long length, String what) {
    if (position < 0 || length < 0 || position > size() || length > size() - position) {
      throw new InvalidImageDataException(
          what
              + " at offset "
              + position
              + " (length "
              + length
              + ") lies beyond the end of the file ("
              + size()
              + " bytes): truncated or damaged");
    }
  }
}
