package io.stowage.vhdx;


import io.stowage.api.InvalidRequestException;
import io.stowage.api.UnsupportedStoreOperationException;
import static io.stowage.vhdx.VhdxLayout.MIB;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Grows a dynamic or fixed disk in place. Each step is synced before the next, and after each
 * the file is a valid disk of the old or the new size: the space of a fixed disk's new blocks is
 * added and their BAT entries written (or a larger BAT is written elsewhere and region table 1
 * switched to it, table 2 following last) before the virtual size — one 8-byte write inside a
 * sector — changes. The bytes of the old last block past the old size are zeroed first, since
 * they become guest data.
 */
final class VhdxResizer {
  private VhdxResizer() {}

  static void resize(Path image, long newSize) {
    resize(image, newSize, Integer.MAX_VALUE);
  }

  /** As {@link #resize(Path, long)}, stopping after {@code steps} writes (crash tests). */
  static void resize(Path image, long newSize, int steps) {
    try (VhdxEditor ed = VhdxEditor.open(image)) {
      VhdxLayout l = ed.image.layout;
      if (l.hasParent()) {
        throw new UnsupportedStoreOperationException(
            "a differencing VHDX has its parent's size; " + image + " cannot be resized alone");
      }
      if (newSize < l.virtualSize()) {
        throw new InvalidRequestException(
            "cannot shrink " + image + " from " + l.virtualSize() + " to " + newSize + " bytes");
      }
      if (newSize > VhdxLayout.MAX_VIRTUAL_SIZE || newSize % l.logicalSectorSize() != 0) {
        throw new InvalidRequestException("new size " + newSize + " is not a multiple of "
            + l.logicalSectorSize() + " up to 64 TiB");
      }
      if (newSize == l.virtualSize()) {
        return;
      }
      new Growth(ed, l, newSize, steps).run();
    }
  }

  /** One resize: the plan, and a step counter that stops early in crash tests. */
  private static final class Growth {
    private final VhdxEditor ed;
    private final VhdxLayout l;
    private final long newSize;
    private final int steps;
    private int step;
    private final Bat bat;

    Growth(VhdxEditor ed, VhdxLayout l, long newSize, int steps) {
      this.ed = ed;
      this.l = l;
      this.newSize = newSize;
      this.steps = steps;
      this.bat = ed.image.bat();
    }

    /** Whether to stop here (the crash tests' cut). */
    private boolean stop() {
      return ++step >= steps;
    }

    void run() {
      long bs = l.blockSize();
      long oldBlocks = l.dataBlocks();
      long newBlocks = VhdxLayout.ceilDiv(newSize, bs);
      long oldEntries = l.batEntries();
      long newEntries = VhdxLayout.batEntries(newSize, bs, l.logicalSectorSize(), false);
      boolean moveBat = newEntries * 8 > l.batLength();
      long newLength = moveBat ? VhdxLayout.roundUp(newEntries * 8, MIB) : l.batLength();
      if (newLength > 0xFFF00000L) {
        throw new InvalidRequestException("the BAT for " + newSize + " bytes would exceed 4 GiB");
      }
      // New space goes after everything the file holds, the old last block's full extent too.
      long end = VhdxLayout.roundUp(Math.max(ed.image.source.size(), usedEnd()), MIB);
      long batAt = moveBat ? end : l.batOffset();
      long blocksAt = moveBat ? end + newLength : end;
      ed.bumpHeader();
      if (stop()) {
        return;
      }
      zeroOldTail();
      if (l.leaveBlocksAllocated() && newBlocks > oldBlocks) {
        ed.write(ByteBuffer.allocate(1), blocksAt + (newBlocks - oldBlocks) * bs - 1);
      }
      ByteBuffer entries = newEntries(oldEntries, newEntries, oldBlocks, blocksAt);
      ByteBuffer size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, newSize);
      long sizeAt = l.metadataOffset()
          + l.metadataItems().get(VhdxLayout.VIRTUAL_DISK_SIZE).offset();
      if (!moveBat) {
        ed.write(entries, l.batOffset() + oldEntries * 8);
        if (stop()) {
          return;
        }
        ed.write(size, sizeAt);
        return;
      }
      copyBat(oldEntries, entries, batAt, newLength);
      if (stop()) {
        return;
      }
      ByteBuffer table = VhdxWriter.regionTable(batAt, newLength, l.metadataOffset(),
          l.metadataLength());
      ed.write(table.duplicate(), VhdxLayout.REGION_TABLE_OFFSETS[0]);
      if (stop()) {
        return;
      }
      ed.write(size, sizeAt);
      if (stop()) {
        return;
      }
      ed.write(table.duplicate(), VhdxLayout.REGION_TABLE_OFFSETS[1]);
    }

    /** The end of the last block's full extent (a qemu fixed file may end inside it). */
    private long usedEnd() {
      long end = 0;
      for (long b = 0; b < l.dataBlocks(); b++) {
        long e = bat.entry(l.payloadIndex(b));
        int state = Bat.state(e);
        if (state == Bat.FULLY_PRESENT || state == Bat.PARTIALLY_PRESENT) {
          end = Math.max(end, Bat.fileOffset(e) + l.blockSize());
        }
      }
      return end;
    }

    /**
     * Zeros the stored bytes of the old last block past the old size (they become guest data),
     * and makes the file cover that block as far as the new size reaches into it.
     */
    private void zeroOldTail() {
      long bs = l.blockSize();
      long tail = l.virtualSize() % bs;
      if (tail == 0) {
        return;
      }
      long last = l.dataBlocks() - 1;
      long e = bat.entry(l.payloadIndex(last));
      if (Bat.state(e) == Bat.FULLY_PRESENT) {
        long from = Bat.fileOffset(e) + tail;
        long to = Bat.fileOffset(e) + Math.min(bs, newSize - last * bs);
        long stored = Math.min(to, ed.image.source.size());
        for (long at = from; at < stored; at += MIB) {
          ed.write(ByteBuffer.allocate((int) Math.min(MIB, stored - at)), at);
        }
        if (to > stored) {
          ed.write(ByteBuffer.allocate(1), to - 1);
        }
      }
    }

    /** BAT entries from {@code oldEntries}: absent, or (fixed) present at {@code blocksAt} on. */
    private ByteBuffer newEntries(long oldEntries, long newEntries, long oldBlocks,
        long blocksAt) {
      ByteBuffer b = ByteBuffer.allocate((int) ((newEntries - oldEntries) * 8))
          .order(ByteOrder.LITTLE_ENDIAN);
      if (l.leaveBlocksAllocated()) {
        long cr = l.chunkRatio();
        for (long i = oldEntries; i < newEntries; i++) {
          if (i % (cr + 1) != cr) {
            long block = i - i / (cr + 1);
            b.putLong((int) ((i - oldEntries) * 8),
                (blocksAt + (block - oldBlocks) * l.blockSize()) | Bat.FULLY_PRESENT);
          }
        }
      }
      return b;
    }

    private void copyBat(long entries, ByteBuffer added, long to, long length) {
      ByteBuffer buf = ByteBuffer.allocate((int) MIB);
      long oldBytes = entries * 8;
      for (long done = 0; done < length; done += MIB) {
        buf.clear();
        java.util.Arrays.fill(buf.array(), (byte) 0);
        long have = Math.max(0, Math.min(MIB, oldBytes - done));
        if (have > 0) {
          ed.image.source.read(l.batOffset() + done, buf.duplicate().limit((int) have));
        }
        for (long i = Math.max(done, oldBytes); i < Math.min(done + MIB,
            oldBytes + added.capacity()); i++) {
          buf.put((int) (i - done), added.get((int) (i - oldBytes)));
        }
        ed.write(buf, to + done);
      }
    }
  }
}
