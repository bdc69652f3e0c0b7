package io.stowage.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * A VHDX file's guest data: payload blocks read straight into the caller's buffer, zeros for
 * absent blocks, the parent for blocks (or sectors) a differencing disk does not hold.
 */
final class VhdxChannel extends GuestChannel {
  VhdxImage image() {
    return image;
  }

  private final VhdxImage image;
  private final VhdxLayout l;
  private final Bat bat;
  private final Optional<SeekableByteChannel> parent;
  private final FileChannel file;

  VhdxChannel(VhdxImage image, Optional<SeekableByteChannel> parent, FileChannel file) {
    super(image.layout.virtualSize());
    this.image = image;
    this.l = image.layout;
    this.bat = image.bat();
    this.parent = parent;
    this.file = file;
  }

  @Override
  void readAt(long position, ByteBuffer dst, int length) throws IOException {
    if (length >= ParallelReads.MIN_LENGTH && ParallelReads.available()) {
      readLarge(position, dst, length);
      return;
    }
    readSequential(position, dst, length);
  }

  private void readSequential(long position, ByteBuffer dst, int length) throws IOException {
    long pos = position;
    int left = length;
    long bs = l.blockSize();
    while (left > 0) {
      long block = pos / bs;
      long within = pos % bs;
      int n = (int) Math.min(left, bs - within);
      long entry = bat.entry(l.payloadIndex(block));
      switch (Bat.state(entry)) {
        case Bat.FULLY_PRESENT -> fromFile(Bat.fileOffset(entry) + within, dst, n);
        case Bat.PARTIALLY_PRESENT -> partial(block, entry, pos, dst, n);
        case Bat.NOT_PRESENT -> fromParent(pos, dst, n);
        default -> zero(dst, n);
      }
      pos += n;
      left -= n;
    }
  }

  /**
   * A large read: file ranges and zeros are split between this thread and a helper, so that
   * copying out of the page cache runs on two cores; parent and partial blocks stay here.
   */
  private void readLarge(long position, ByteBuffer dst, int length) throws IOException {
    ParallelReads plan = new ParallelReads(image.source, dst);
    long pos = position;
    int at = dst.position();
    int left = length;
    long bs = l.blockSize();
    while (left > 0) {
      long block = pos / bs;
      long within = pos % bs;
      int n = (int) Math.min(left, bs - within);
      long entry = bat.entry(l.payloadIndex(block));
      int state = Bat.state(entry);
      if (state == Bat.FULLY_PRESENT) {
        plan.file(at, Bat.fileOffset(entry) + within, n);
      } else if (state == Bat.PARTIALLY_PRESENT
          || (state == Bat.NOT_PRESENT && parent.isPresent())) {
        ByteBuffer part = dst.duplicate().position(at).limit(at + n);
        readSequential(pos, part, n);
      } else {
        plan.zero(at, n);
      }
      pos += n;
      at += n;
      left -= n;
    }
    plan.run();
    dst.position(at);
  }

  @Override
  long[] fileRun(long position) {
    if (image.log.replayed().isPresent()) {
      return null; // the file is not what the guest sees until the log is replayed
    }
    long bs = l.blockSize();
    long block = position / bs;
    long entry = bat.entry(l.payloadIndex(block));
    if (Bat.state(entry) != Bat.FULLY_PRESENT) {
      return null;
    }
    long within = position % bs;
    return new long[] {Bat.fileOffset(entry) + within,
        Math.min(bs - within, l.virtualSize() - position)};
  }

  @Override
  FileChannel file() {
    return file;
  }

  @Override
  long unitAt(long position) {
    long block = position / l.blockSize();
    long end = Math.min(l.virtualSize(), (block + 1) * l.blockSize());
    int state = Bat.state(bat.entry(l.payloadIndex(block)));
    boolean hole = switch (state) {
      case Bat.FULLY_PRESENT, Bat.PARTIALLY_PRESENT -> false;
      case Bat.NOT_PRESENT -> parent.isEmpty();
      default -> true;
    };
    return hole ? -end : end;
  }

  private void fromFile(long fileOffset, ByteBuffer dst, int n) {
    ByteBuffer part = dst.duplicate().limit(dst.position() + n);
    image.source.read(fileOffset, part);
    dst.position(dst.position() + n);
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
        throw new io.stowage.api.InvalidImageDataException("the parent disk ends early");
      }
    }
    dst.position(dst.position() + n);
  }

  /** A partially present block: each sector from this file or the parent, per the bitmap. */
  private void partial(long block, long entry, long pos, ByteBuffer dst, int n)
      throws IOException {
    long lss = l.logicalSectorSize();
    long cr = l.chunkRatio();
    long bitmap = Bat.fileOffset(bat.entry(l.bitmapIndex(block / cr)));
    long sectorsPerBlock = l.blockSize() / lss;
    long firstBit = (block % cr) * sectorsPerBlock + (pos % l.blockSize()) / lss;
    long endByte = pos + n;
    long lastBit = (block % cr) * sectorsPerBlock + ((endByte - 1) % l.blockSize()) / lss;
    ByteBuffer bits = image.source.read(
        bitmap + firstBit / 8, (int) (lastBit / 8 - firstBit / 8 + 1), "sector bitmap");
    long blockStart = pos - pos % l.blockSize();
    long p = pos;
    while (p < endByte) {
      long bit = (block % cr) * sectorsPerBlock + (p - blockStart) / lss;
      boolean mine = isSet(bits, bit - firstBit / 8 * 8);
      long q = p;
      while (q < endByte) {
        long b = (block % cr) * sectorsPerBlock + (q - blockStart) / lss;
        if (isSet(bits, b - firstBit / 8 * 8) != mine) {
          break;
        }
        q = Math.min(endByte, (q / lss + 1) * lss);
      }
      int len = (int) (q - p);
      if (mine) {
        fromFile(Bat.fileOffset(entry) + (p - blockStart), dst, len);
      } else {
        fromParent(p, dst, len);
      }
      p = q;
    }
  }

  private static boolean isSet(ByteBuffer bits, long bit) {
    return (bits.get((int) (bit / 8)) >> (bit % 8) & 1) != 0;
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
