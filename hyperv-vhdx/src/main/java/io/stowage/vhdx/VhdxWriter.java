package io.stowage.vhdx;

import static io.stowage.vhdx.VhdxLayout.MIB;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/** Writes the structures of a new VHDX file into an empty channel. */
final class VhdxWriter {
  static final int FLAG_VIRTUAL_DISK = 2;
  static final int FLAG_REQUIRED = 4;
  static final long LOCATOR_ITEM_OFFSET = 64 * 1024 + 5 * 4096;

  private VhdxWriter() {}

  static void write(FileChannel ch, VhdxCreator.Plan p) throws IOException {
    boolean diff = p.locator().isPresent();
    long logOffset = MIB;
    long batOffset = logOffset + p.logSize();
    long entries = VhdxLayout.batEntries(p.virtualSize(), p.blockSize(), p.logicalSectorSize(), diff);
    long batLength = Math.max(MIB, VhdxLayout.roundUp(entries * 8, MIB));
    long metaOffset = batOffset + batLength;
    long payload = metaOffset + MIB;

    AtomicFile.writeFully(ch, VhdxCreator.fileIdentifier(), 0);
    long seq = new java.security.SecureRandom().nextLong() >>> 2;
    VhdxHeader h = new VhdxHeader(seq, Guid.random(), Guid.random(), Guid.ZERO, 0, 1,
        p.logSize(), logOffset);
    AtomicFile.writeFully(ch, h.encode(), VhdxHeader.OFFSETS[0]);
    AtomicFile.writeFully(ch, h.withSequence(seq + 1).encode(), VhdxHeader.OFFSETS[1]);
    for (long at : VhdxLayout.REGION_TABLE_OFFSETS) {
      AtomicFile.writeFully(ch, regionTable(batOffset, batLength, metaOffset, MIB), at);
    }
    AtomicFile.writeFully(ch, ByteBuffer.allocate((int) p.logSize()), logOffset);
    writeBat(ch, p, batOffset, batLength, payload);
    AtomicFile.writeFully(ch, metadataRegion(p, Guid.random()), metaOffset);
    if (p.fixed()) {
      // The blocks are zeros: extend the file over them without writing (sparse, as qemu-img
      // does); the BAT already marks them present.
      long blocks = VhdxLayout.ceilDiv(p.virtualSize(), p.blockSize());
      AtomicFile.writeFully(ch, ByteBuffer.allocate(1), payload + blocks * p.blockSize() - 1);
    }
  }

  static ByteBuffer regionTable(long batOffset, long batLength, long metaOffset, long metaLength) {
    ByteBuffer b = ByteBuffer.allocate((int) VhdxLayout.REGION_TABLE_SIZE)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, "regi".getBytes(StandardCharsets.US_ASCII));
    b.putInt(8, 2);
    VhdxLayout.BAT_REGION.write(b, 16);
    b.putLong(32, batOffset);
    b.putInt(40, (int) batLength);
    b.putInt(44, 1);
    VhdxLayout.METADATA_REGION.write(b, 48);
    b.putLong(64, metaOffset);
    b.putInt(72, (int) metaLength);
    b.putInt(76, 1);
    Checked.seal(b, b.capacity(), 4);
    return b;
  }

  private static void writeBat(FileChannel ch, VhdxCreator.Plan p, long batOffset,
      long batLength, long payload) throws IOException {
    ByteBuffer page = ByteBuffer.allocate((int) MIB).order(ByteOrder.LITTLE_ENDIAN);
    long cr = VhdxLayout.chunkRatio(p.logicalSectorSize(), p.blockSize());
    long blocks = VhdxLayout.ceilDiv(p.virtualSize(), p.blockSize());
    for (long start = 0; start < batLength; start += MIB) {
      page.clear();
      java.util.Arrays.fill(page.array(), (byte) 0);
      if (p.fixed()) {
        long first = start / 8;
        for (int i = 0; i < MIB / 8; i++) {
          long index = first + i;
          long block = index - index / (cr + 1);
          if (index % (cr + 1) != cr && block < blocks) {
            page.putLong(i * 8, (payload + block * p.blockSize()) | Bat.FULLY_PRESENT);
          }
        }
      }
      AtomicFile.writeFully(ch, page, batOffset + start);
    }
  }

  static ByteBuffer metadataRegion(VhdxCreator.Plan p, Guid diskId) {
    ByteBuffer b = ByteBuffer.allocate((int) MIB).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, "metadata".getBytes(StandardCharsets.US_ASCII));
    int count = p.locator().isPresent() ? 6 : 5;
    b.putShort(10, (short) count);
    long at = 64 * 1024;
    entry(b, 0, VhdxLayout.FILE_PARAMETERS, at, 8, FLAG_REQUIRED);
    b.putInt((int) at, (int) p.blockSize());
    b.putInt((int) at + 4, (p.fixed() ? 1 : 0) | (p.locator().isPresent() ? 2 : 0));
    entry(b, 1, VhdxLayout.VIRTUAL_DISK_SIZE, at += 4096, 8, FLAG_REQUIRED | FLAG_VIRTUAL_DISK);
    b.putLong((int) at, p.virtualSize());
    entry(b, 2, VhdxLayout.VIRTUAL_DISK_ID, at += 4096, 16, FLAG_REQUIRED | FLAG_VIRTUAL_DISK);
    diskId.write(b, (int) at);
    entry(b, 3, VhdxLayout.LOGICAL_SECTOR_SIZE, at += 4096, 4, FLAG_REQUIRED | FLAG_VIRTUAL_DISK);
    b.putInt((int) at, p.logicalSectorSize());
    entry(b, 4, VhdxLayout.PHYSICAL_SECTOR_SIZE, at += 4096, 4,
        FLAG_REQUIRED | FLAG_VIRTUAL_DISK);
    b.putInt((int) at, p.physicalSectorSize());
    if (p.locator().isPresent()) {
      ByteBuffer loc = p.locator().get().encode();
      entry(b, 5, VhdxLayout.PARENT_LOCATOR, LOCATOR_ITEM_OFFSET, loc.capacity(), FLAG_REQUIRED);
      b.put((int) LOCATOR_ITEM_OFFSET, loc, 0, loc.capacity());
    }
    return b;
  }

  static void entry(ByteBuffer b, int index, Guid id, long offset, int length, int flags) {
    int e = 32 + 32 * index;
    id.write(b, e);
    b.putInt(e + 16, (int) offset);
    b.putInt(e + 20, length);
    b.putInt(e + 24, flags);
  }
}
