package io.stowage.api.disk;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A channel of guest data (see {@link DiskFormat#openVirtualDisk}) that knows where its
 * unallocated, all-zero ranges are, like {@code lseek}'s {@code SEEK_DATA}/{@code SEEK_HOLE}:
 * a copier can skip holes without reading them. Optional: callers test with
 * {@code instanceof}. The answers are hints about zeros, never about data: a range reported as
 * data may still read as zeros.
 */
public interface SparseChannel extends SeekableByteChannel {

  /** The first position at or after {@code from} that may hold non-zero bytes; size() if none. */
  long nextData(long from) throws IOException;

  /** The first position at or after {@code from} that starts a run of zeros; size() if none. */
  long nextHole(long from) throws IOException;

  /**
   * Writes up to {@code count} guest bytes from {@code position} to {@code target} (at its
   * current position), as {@link java.nio.channels.FileChannel#transferTo} does: an
   * implementation whose data lies in a file as it is may hand the copy to the kernel
   * ({@code sendfile}), so that it never passes through this process. Does not change this
   * channel's position. The default reads and writes through a buffer.
   *
   * @return how many bytes were written: {@code count}, or fewer at the end of the channel
   * @throws IOException reading or writing failed
   */
  default long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    long end = Math.min(size(), position + count);
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(1 << 20, Math.max(1, end - position)));
    long p = position;
    long keep = position();
    try {
      position(p);
      while (p < end) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), end - p));
        int n = read(buffer);
        if (n <= 0) {
          break;
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          target.write(buffer);
        }
        p += n;
      }
    } finally {
      position(keep);
    }
    return p - position;
  }
}
