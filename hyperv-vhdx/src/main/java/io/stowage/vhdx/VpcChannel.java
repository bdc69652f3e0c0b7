package io.stowage.vhdx;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A fixed or dynamic VHD's guest data; unallocated blocks read as zeros (as qemu reads them). */
final class VpcChannel extends GuestChannel {
  private final VpcImage image;
  private final Closeable file;

  VpcChannel(VpcImage image, Closeable file) {
    super(image.virtualSize);
    this.image = image;
    this.file = file;
  }

  @Override
  void readAt(long position, ByteBuffer dst, int length) {
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
        zero(dst, n);
      } else {
        fromFile((e & 0xFFFFFFFFL) * 512 + image.bitmapSize + within, dst, n);
      }
      pos += n;
      left -= n;
    }
  }

  @Override
  long unitAt(long position) {
    if (image.type == VpcImage.FIXED) {
      return image.virtualSize;
    }
    long block = position / image.blockSize;
    long end = Math.min(image.virtualSize, (block + 1) * image.blockSize);
    return image.bat[(int) block] == -1 ? -end : end;
  }

  private void fromFile(long at, ByteBuffer dst, int n) {
    ByteBuffer part = dst.duplicate().limit(dst.position() + n);
    image.source.read(at, part);
    dst.position(dst.position() + n);
  }

  @Override
  void release() throws IOException {
    file.close();
  }
}
