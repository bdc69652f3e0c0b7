package io.stowage.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Guest writes the oracles cannot make: into VHDX files qemu does not open (4096-byte logical
 * sectors, differencing disks) — blocks appended at the end of the file as Hyper-V appends them,
 * a differencing disk's new blocks partially present with their sectors marked in the sector
 * bitmap — and the sector bitmaps of a differencing VHD that qemu-io wrote as if dynamic.
 */
final class TestWriters {
  private TestWriters() {}

  /** One guest write: {@code length} bytes of {@code pattern} at {@code offset}. */
  record Write(long offset, long length, int pattern) {
    long end() {
      return offset + length;
    }
  }

  /** Applies guest writes to a VHDX file (sector-aligned; blocks allocated as needed). */
  static void vhdx(Path f, List<Write> writes) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      VhdxLayout l = VhdxImage.open(new ChannelSource(ch)).layout;
      long bs = l.blockSize();
      for (Write w : writes) {
        for (long pos = w.offset(); pos < w.end(); ) {
          long block = pos / bs;
          long within = pos % bs;
          long n = Math.min(w.end() - pos, bs - within);
          long entry = entry(ch, l, l.payloadIndex(block));
          int state = Bat.state(entry);
          if (state != Bat.FULLY_PRESENT && state != Bat.PARTIALLY_PRESENT) {
            boolean whole = within == 0 && n == bs;
            state = l.hasParent() && !whole ? Bat.PARTIALLY_PRESENT : Bat.FULLY_PRESENT;
            entry = append(ch, bs) | state;
            setEntry(ch, l, l.payloadIndex(block), entry);
          }
          fill(ch, Bat.fileOffset(entry) + within, n, w.pattern());
          if (state == Bat.PARTIALLY_PRESENT) {
            long chunk = block / l.chunkRatio();
            long bm = entry(ch, l, l.bitmapIndex(chunk));
            if (Bat.state(bm) != Bat.FULLY_PRESENT) {
              bm = append(ch, 1 << 20) | Bat.FULLY_PRESENT;
              setEntry(ch, l, l.bitmapIndex(chunk), bm);
            }
            long perBlock = bs / l.logicalSectorSize();
            long first = (block % l.chunkRatio()) * perBlock + within / l.logicalSectorSize();
            setBits(ch, Bat.fileOffset(bm), first, n / l.logicalSectorSize(), 0);
          }
          pos += n;
        }
      }
    }
  }

  private static long entry(FileChannel ch, VhdxLayout l, long index) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    ch.read(b, l.batOffset() + 8 * index);
    return b.getLong(0);
  }

  private static void setEntry(FileChannel ch, VhdxLayout l, long index, long value)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
    ch.write(b, l.batOffset() + 8 * index);
  }

  /** A zeroed region of {@code length} bytes at the 1 MiB-aligned end of the file. */
  private static long append(FileChannel ch, long length) throws IOException {
    long at = VhdxLayout.roundUp(ch.size(), 1 << 20);
    ch.write(ByteBuffer.allocate(1), at + length - 1);
    return at;
  }

  static void fill(FileChannel ch, long at, long length, int pattern) throws IOException {
    byte[] b = new byte[(int) Math.min(length, 1 << 20)];
    Arrays.fill(b, (byte) pattern);
    for (long done = 0; done < length; ) {
      int n = (int) Math.min(b.length, length - done);
      ByteBuffer buf = ByteBuffer.wrap(b, 0, n);
      while (buf.hasRemaining()) {
        ch.write(buf, at + done + buf.position());
      }
      done += n;
    }
  }

  /**
   * Sets {@code count} bits from bit {@code first} of the bitmap at {@code at}: least significant
   * bit first (VHDX, {@code msbFirst} 0) or most significant first (VHD, 1).
   */
  static void setBits(FileChannel ch, long at, long first, long count, int msbFirst)
      throws IOException {
    long fromByte = first / 8;
    long toByte = (first + count + 7) / 8;
    ByteBuffer b = ByteBuffer.allocate((int) (toByte - fromByte));
    ch.read(b, at + fromByte);
    for (long bit = first; bit < first + count; bit++) {
      int i = (int) (bit / 8 - fromByte);
      int shift = msbFirst == 1 ? 7 - (int) (bit % 8) : (int) (bit % 8);
      b.put(i, (byte) (b.get(i) | (1 << shift)));
    }
    ch.write(b.flip(), at + fromByte);
  }

  /**
   * Rewrites the sector bitmaps of a differencing VHD that qemu-io wrote (qemu marks every
   * sector of a block it allocates as present): only the sectors of {@code writes} stay marked,
   * the others read from the parent again.
   */
  static void vhdBitmaps(Path f, List<Write> writes) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      VpcImage img = VpcImage.open(new ChannelSource(ch));
      for (int i = 0; i < img.bat.length; i++) {
        if (img.bat[i] != -1) {
          long at = (img.bat[i] & 0xFFFFFFFFL) * 512;
          ch.write(ByteBuffer.allocate((int) img.bitmapSize), at);
        }
      }
      for (Write w : writes) {
        for (long pos = w.offset(); pos < w.end(); ) {
          long block = pos / img.blockSize;
          long n = Math.min(w.end() - pos, (block + 1) * img.blockSize - pos);
          long at = (img.bat[(int) block] & 0xFFFFFFFFL) * 512;
          setBits(ch, at, (pos % img.blockSize) / 512, n / 512, 1);
          pos += n;
        }
      }
    }
  }
}
