package io.stowage.vhdx;

import io.stowage.api.InvalidImageDataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * A VHD's guest data. Unallocated blocks read as zeros (fixed, dynamic — as qemu reads them)
 * or as the parent's bytes (differencing); in an allocated block of a differencing disk each
 * sector comes from this file or the parent as the block's sector bitmap says (most
 * significant bit first, set = this file).
 */
final class VpcChannel extends GuestChannel {
  private final VpcImage image;
  private final Optional<SeekableByteChannel> parent;
  private final FileChannel file;
  private long bitmapBlock = -1;
  private ByteBuffer bitmap;

  VpcChannel(VpcImage image, Optional<SeekableByteChannel> parent, FileChannel file) {
    super(image.virtualSize);
    this.image = image;
    this.parent = parent;
    this.file = file;
  }

  VpcImage image() {
    return image;
  }

  @Override
  void readAt(long position, ByteBuffer dst, int length) throws IOException {
    if (image.type == VpcImage.FIXED) {
      fromFile(position, dst, length);
      return;
    }
    long pos = position;
    int left = length;
    while (left > 0) {
      long block = pos / image.blockSize;
      long within = pos % image.blockSize;
      int n = (int) Math.min(left, image.blockSize - within);
      int e = image.bat[(int) block];
      if (e == -1) {
        fromParent(pos, dst, n);
      } else if (parent.isEmpty()) {
        fromFile(dataAt(e) + within, dst, n);
      } else {
        sectors(block, e, pos, dst, n);
      }
      pos += n;
      left -= n;
    }
  }

  private long dataAt(int entry) {
    return (entry & 0xFFFFFFFFL) * 512 + image.bitmapSize;
  }

  /** Runs of sectors of one allocated block, each from this file or the parent. */
  private void sectors(long block, int entry, long pos, ByteBuffer dst, int n) throws IOException {
    if (bitmapBlock != block) {
      bitmap = image.source.read((entry & 0xFFFFFFFFL) * 512, (int) image.bitmapSize,
          "sector bitmap of block " + block);
      bitmapBlock = block;
    }
    long blockStart = block * image.blockSize;
    long end = pos + n;
    long p = pos;
    while (p < end) {
      boolean mine = isSet((p - blockStart) / 512);
      long q = (p / 512 + 1) * 512;
      while (q < end && isSet((q - blockStart) / 512) == mine) {
        q += 512;
      }
      q = Math.min(q, end);
      int len = (int) (q - p);
      if (mine) {
        fromFile(dataAt(entry) + (p - blockStart), dst, len);
      } else {
        fromParent(p, dst, len);
      }
      p = q;
    }
  }

  private boolean isSet(long sector) {
    return (bitmap.get((int) (sector / 8)) & (0x80 >> (sector % 8))) != 0;
  }

  private void fromParent(long pos, ByteBuffer dst, int n) throws IOException {
    if (parent.isEmpty()) {
      zero(dst, n);
      return;
    }
    SeekableByteChannel p = parent.get();
    ByteBuffer part = dst.duplicate().limit(dst.position() + n);
    p.position(pos);
    while (part.hasRemaining()) {
      if (p.read(part) < 0) {
        throw new InvalidImageDataException("the parent disk ends early");
      }
    }
    dst.position(dst.position() + n);
  }

  @Override
  long[] fileRun(long position) {
    if (image.type == VpcImage.FIXED) {
      return new long[] {position, image.virtualSize - position};
    }
    long block = position / image.blockSize;
    int e = image.bat[(int) block];
    if (e == -1 || parent.isPresent()) {
      return null;
    }
    long within = position % image.blockSize;
    return new long[] {dataAt(e) + within,
        Math.min(image.blockSize - within, image.virtualSize - position)};
  }

  @Override
  FileChannel file() {
    return file;
  }

  @Override
  long unitAt(long position) {
    if (image.type == VpcImage.FIXED) {
      return image.virtualSize;
    }
    long block = position / image.blockSize;
    long end = Math.min(image.virtualSize, (block + 1) * image.blockSize);
    return image.bat[(int) block] == -1 && parent.isEmpty() ? -end : end;
  }

  private void fromFile(long at, ByteBuffer dst, int n) {
    ByteBuffer part = dst.duplicate().limit(dst.position() + n);
    image.source.read(at, part);
    dst.position(dst.position() + n);
  }

  @Override
  void release() throws IOException {
    try (file) {
      if (parent.isPresent()) {
        parent.get().close();
      }
    }
  }
}
