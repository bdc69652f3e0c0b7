package io.stowage.vhdx;


import io.stowage.api.disk.SparseChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** Base of the read-only guest-data channels: position, size, close and zero filling. */
abstract class GuestChannel implements SparseChannel {
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();
  private final long size;
  private long position;
  private boolean open = true;

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
