package io.stowage.vhdx;


import io.stowage.api.InvalidRequestException;
import io.stowage.api.UnsupportedStoreOperationException;
import static io.stowage.vhdx.VhdxLayout.MIB;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Grows a dynamic disk in place. Each step is synced before the next, and after each the file
 * is a valid disk of the old or the new size: new BAT entries are zeroed (or a larger BAT is
 * written elsewhere and region table 1 switched to it, table 2 following last) before the
 * virtual size — one 8-byte write inside a sector — changes.
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
      if (l.hasParent() || l.leaveBlocksAllocated()) {
        throw new UnsupportedStoreOperationException(
            "only dynamic VHDX disks can be resized; " + image + " is " + ed.image.type());
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
      long oldEntries = l.batEntries();
      long newEntries = VhdxLayout.batEntries(newSize, l.blockSize(), l.logicalSectorSize(), false);
      int step = 0;
      ed.bumpHeader();
      if (++step >= steps) {
        return;
      }
      ByteBuffer size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, newSize);
      long sizeAt = l.metadataOffset()
          + l.metadataItems().get(VhdxLayout.VIRTUAL_DISK_SIZE).offset();
      if (newEntries * 8 <= l.batLength()) {
        ed.write(ByteBuffer.allocate((int) ((newEntries - oldEntries) * 8)),
            l.batOffset() + oldEntries * 8);
        if (++step >= steps) {
          return;
        }
        ed.write(size, sizeAt);
        return;
      }
      long newLength = VhdxLayout.roundUp(newEntries * 8, MIB);
      if (newLength > 0xFFF00000L) {
        throw new InvalidRequestException("the BAT for " + newSize + " bytes would exceed 4 GiB");
      }
      long newOffset = VhdxLayout.roundUp(l.fileSize(), MIB);
      copyBat(ed, l, oldEntries, newOffset, newLength);
      if (++step >= steps) {
        return;
      }
      ByteBuffer table = VhdxWriter.regionTable(newOffset, newLength, l.metadataOffset(),
          l.metadataLength());
      ed.write(table.duplicate(), VhdxLayout.REGION_TABLE_OFFSETS[0]);
      if (++step >= steps) {
        return;
      }
      ed.write(size, sizeAt);
      if (++step >= steps) {
        return;
      }
      ed.write(table.duplicate(), VhdxLayout.REGION_TABLE_OFFSETS[1]);
    }
  }

  private static void copyBat(VhdxEditor ed, VhdxLayout l, long entries, long to, long length) {
    ByteBuffer buf = ByteBuffer.allocate((int) MIB);
    for (long done = 0; done < length; done += MIB) {
      buf.clear();
      java.util.Arrays.fill(buf.array(), (byte) 0);
      long have = Math.max(0, Math.min(MIB, entries * 8 - done));
      if (have > 0) {
        ed.image.source.read(l.batOffset() + done, buf.duplicate().limit((int) have));
      }
      ed.write(buf, to + done);
    }
  }
}
