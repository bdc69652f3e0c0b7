package io.stowage.diskformats;

import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;

/**
 * What a one-pass inspection kept of a stream — its first and its last bytes — seen as
 * {@link ImageBytes} of the whole stream's size. The formats here keep all of their metadata
 * in those two places; a read anywhere else means the image is not laid out as its format
 * requires.
 */
final class CapturedBytes implements ImageBytes {
  private final byte[] head;
  private final byte[] tail;
  private final long size;

  CapturedBytes(byte[] head, byte[] tail, long size) {
    this.head = head;
    this.tail = tail;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) {
    long p = position;
    long tailStart = size - tail.length;
    while (dst.hasRemaining()) {
      if (p < head.length) {
        int n = (int) Math.min(dst.remaining(), head.length - p);
        dst.put(head, (int) p, n);
        p += n;
      } else if (p >= tailStart) {
        int n = dst.remaining();
        dst.put(tail, (int) (p - tailStart), n);
        p += n;
      } else {
        throw new InvalidImageDataException(dst.remaining() + " bytes at offset " + p
            + " lie outside the metadata a one-pass inspection keeps (the first " + head.length
            + " and last " + tail.length + " bytes): not laid out as the format requires");
      }
    }
  }
}
