package io.stowage.vhdx;


import io.stowage.api.disk.SparseChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import io.stowage.api.InvalidImageDataException;

/** Base of the read-only guest-data channels: position, size, close and zero filling. */
abstract class GuestChannel implements SparseChannel {
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();
  private final long size;
  private long position;
  private boolean open = true;
  /** {@link #transferTo}'s buffer for what is not in the file as is; used under this lock. */
  private ByteBuffer copyBuffer;

  GuestChannel(long size) {
    this.size = size;
  }

  /** Fills {@code dst}'s next {@code length} bytes with the guest data at {@code position}. */
  abstract void readAt(long position, ByteBuffer dst, int length) throws IOException;

  /** Closes what this channel holds (files, parents). */
  abstract void release() throws IOException;

  /**
   * Whether the unit (block) holding {@code position} reads as zeros without being stored,
   * and where that unit ends. Returned as the end, negated when the unit is a hole.
   */
  abstract long unitAt(long position) throws IOException;

  /**
   * Where the guest bytes at {@code position} lie in {@link #file()} as they are: the file
   * offset and how many bytes run on from there, or null when they do not (zeros, a parent's
   * bytes, a partially present block, a replayed log).
   */
  long[] fileRun(long position) throws IOException {
    return null;
  }

  /** The image file {@link #fileRun} points into, or null. */
  FileChannel file() {
    return null;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs that lie in the file as they are go by {@link FileChannel#transferTo} (the kernel
   * copies them, file to file) without holding this channel's lock, so that several threads
   * may transfer different ranges at once; the rest is read and written through a buffer.
   */
  @Override
  public final long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    long start = Math.max(0, position);
    long end = Math.min(size(), start + count);
    long p = start;
    while (p < end) {
      long[] run;
      synchronized (this) {
        ensureOpen();
        run = fileRun(p);
        if (run == null) {
          if (copyBuffer == null) {
            copyBuffer = ByteBuffer.allocateDirect(1 << 20); // once: making one costs page faults
          }
          ByteBuffer buffer = copyBuffer;
          long unitEnd = Math.min(end, Math.abs(unitAt(p)));
          while (p < unitEnd) {
            int n = (int) Math.min(buffer.capacity(), unitEnd - p);
            buffer.clear().limit(n);
            readAt(p, buffer, n);
            buffer.flip();
            while (buffer.hasRemaining()) {
              target.write(buffer);
            }
            p += n;
          }
          continue;
        }
      }
      long n = Math.min(run[1], end - p);
      for (long done = 0; done < n; ) {
        long t = file().transferTo(run[0] + done, n - done, target);
        if (t <= 0) {
          throw new InvalidImageDataException(
              "the image ends early, at offset " + (run[0] + done));
        }
        done += t;
      }
      p += n;
    }
    return p - start;
  }

  @Override
  public final synchronized long nextData(long from) throws IOException {
    return seek(from, false);
  }

  @Override
  public final synchronized long nextHole(long from) throws IOException {
    return seek(from, true);
  }

  private long seek(long from, boolean hole) throws IOException {
    ensureOpen();
    long p = Math.max(0, from);
    while (p < size) {
      long u = unitAt(p);
      if ((u < 0) == hole) {
        return p;
      }
      p = Math.abs(u);
    }
    return size;
  }

  @Override
  public final synchronized int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), size - position);
    int limit = dst.limit();
    dst.limit(dst.position() + n);
    try {
      readAt(position, dst, n);
    } finally {
      dst.limit(limit);
    }
    position += n;
    return n;
  }

  static void zero(ByteBuffer dst, int length) {
    if (dst.hasArray()) {
      int at = dst.arrayOffset() + dst.position();
      java.util.Arrays.fill(dst.array(), at, at + length, (byte) 0);
      dst.position(dst.position() + length);
      return;
    }
    int left = length;
    while (left > 0) {
      int n = Math.min(left, ZEROS.capacity());
      dst.put(ZEROS.duplicate().limit(n));
      left -= n;
    }
  }

  @Override
  public final int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public final synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public final synchronized SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public final long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public final SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public final synchronized boolean isOpen() {
    return open;
  }

  @Override
  public final synchronized void close() throws IOException {
    if (open) {
      open = false;
      release();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
