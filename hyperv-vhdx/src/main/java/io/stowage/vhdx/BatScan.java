package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import static io.stowage.vhdx.VhdxLayout.MIB;

import java.util.BitSet;

/**
 * Validates every BAT entry — states, offsets inside the file, no block overlapping another
 * block or a structure — and counts blocks by state. Memory: one bit per MiB of file.
 */
final class BatScan {
  /** Files beyond this cannot be a valid VHDX (64 TiB of data plus structures). */
  static final long MAX_FILE_SIZE = 1L << 47;

  record Stats(
      long allocatedBlocks, long zeroBlocks, long partialBlocks, long bitmapBlocks) {}

  private BatScan() {}

  static Stats scan(Source src, VhdxLayout l, Bat bat) {
    long size = src.size();
    if (size > MAX_FILE_SIZE) {
      throw new InvalidImageDataException("a " + size + "-byte file is too large to be a VHDX");
    }
    BitSet used = new BitSet((int) VhdxLayout.ceilDiv(size, MIB));
    mark(used, 0, VhdxLayout.HEADER_SECTION, "the header section");
    if (l.header().logLength() != 0) {
      mark(used, l.header().logOffset(), l.header().logLength(), "the log");
    }
    mark(used, l.batOffset(), l.batLength(), "the BAT");
    mark(used, l.metadataOffset(), l.metadataLength(), "the metadata");
    long cr = l.chunkRatio();
    long blocks = l.dataBlocks();
    long allocated = 0;
    long zero = 0;
    long partial = 0;
    long bitmaps = 0;
    for (long b = 0; b < blocks; b++) {
      long index = l.payloadIndex(b);
      long e = bat.entry(index);
      int state = Bat.state(e);
      switch (state) {
        case Bat.NOT_PRESENT, Bat.UNDEFINED -> {}
        case Bat.ZERO, Bat.UNMAPPED, Bat.UNMAPPED_V095 -> zero++;
        case Bat.FULLY_PRESENT, Bat.PARTIALLY_PRESENT -> {
          if (state == Bat.PARTIALLY_PRESENT) {
            if (!l.hasParent()) {
              throw new InvalidImageDataException(
                  "block " + b + " is partially present in a disk without a parent");
            }
            partial++;
          }
          allocated++;
          checkBlock(size, used, Bat.fileOffset(e), inFile(l, b), "block " + b);
        }
        default ->
            throw new InvalidImageDataException(
                "BAT entry " + index + " has the reserved state " + state);
      }
    }
    if (l.hasParent()) {
      long chunks = VhdxLayout.ceilDiv(blocks, cr);
      for (long c = 0; c < chunks; c++) {
        long e = bat.entry(l.bitmapIndex(c));
        int state = Bat.state(e);
        if (state == Bat.FULLY_PRESENT) {
          bitmaps++;
          checkBlock(size, used, Bat.fileOffset(e), MIB, "sector bitmap " + c);
        } else if (state != Bat.NOT_PRESENT) {
          throw new InvalidImageDataException(
              "sector bitmap entry " + c + " has the invalid state " + state);
        }
      }
      for (long b = 0; b < blocks; b++) {
        if (Bat.state(bat.entry(l.payloadIndex(b))) == Bat.PARTIALLY_PRESENT
            && Bat.state(bat.entry(l.bitmapIndex(b / cr))) != Bat.FULLY_PRESENT) {
          throw new InvalidImageDataException(
              "block " + b + " is partially present but its sector bitmap is not");
        }
      }
    }
    return new Stats(allocated, zero, partial, bitmaps);
  }

  /**
   * How much of payload block {@code b} must lie in the file: all of it, except for the last
   * block of a disk whose size is not a whole number of blocks, of which only the part up to
   * the virtual size is read (qemu ends a fixed file there).
   */
  static long inFile(VhdxLayout l, long b) {
    return Math.min(l.blockSize(), l.virtualSize() - b * l.blockSize());
  }

  private static void checkBlock(long size, BitSet used, long off, long len, String what) {
    if (off < MIB || off > size || len > size - off) {
      throw new InvalidImageDataException(
          what + " at offset " + Long.toUnsignedString(off) + " lies past the end of the file");
    }
    mark(used, off, len, what);
  }

  private static void mark(BitSet used, long off, long len, String what) {
    int from = (int) (off / MIB);
    int to = (int) VhdxLayout.ceilDiv(off + len, MIB);
    int clash = used.nextSetBit(from);
    if (clash >= 0 && clash < to) {
      throw new InvalidImageDataException(
          what + " at offset " + off + " overlaps other data at MiB " + clash);
    }
    used.set(from, to);
  }
}
