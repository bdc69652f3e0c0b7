package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.DiskSpec;
import io.stowage.api.InvalidImageDataException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-damaged files: each refused with InvalidImageData and a reason naming the damage. */
class DamageTest {
  @TempDir Path dir;
  private final VhdxFormat format = new VhdxFormat();
  private Path f;
  private VhdxLayout l;

  @BeforeEach
  void makeFile() throws IOException {
    f = dir.resolve("d.vhdx");
    format.create(f, DiskSpec.dynamic(64 << 20).withBlockSize(1 << 20));
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x61 0 3M", f.toString());
    try (FileChannel ch = FileChannel.open(f)) {
      l = VhdxImage.open(new ChannelSource(ch)).layout;
    }
  }

  void assertRefused(String reason) throws IOException {
    try (FileChannel ch = FileChannel.open(f)) {
      assertThatThrownBy(() -> format.inspect(ch))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessageContaining(reason)
          .hasNoCause();
    }
    assertThatThrownBy(() -> format.openVirtualDisk(f).close())
        .isInstanceOf(InvalidImageDataException.class).hasMessageContaining(reason);
  }

  DiskInfo inspect() throws IOException {
    try (FileChannel ch = FileChannel.open(f)) {
      return format.inspect(ch);
    }
  }

  long header(int i) {
    return VhdxHeader.OFFSETS[i];
  }

  @Test
  void oneBadHeaderFallsBackToTheOther() throws IOException {
    Files2.edit(f, header(l.headerIndex()), 4096, false, b -> b.put(100, (byte) 1));
    assertThat(inspect().virtualSize()).isEqualTo(64 << 20);
    Files2.edit(f, header(1 - l.headerIndex()), 4096, false, b -> b.put(100, (byte) 1));
    assertRefused("both VHDX headers are invalid");
  }

  @Test
  void equalSequenceNumbersOnDifferentHeaders() throws IOException {
    long seq = l.header().sequenceNumber();
    Files2.edit(f, header(1 - l.headerIndex()), 4096, true, b -> b.putLong(8, seq));
    assertRefused("both VHDX headers have sequence number");
  }

  @Test
  void damagedRegionTableFallsBackToTheSecond() throws IOException {
    Files2.edit(f, 192 * 1024, 65536, false, b -> b.put(40, (byte) 9));
    assertThat(inspect().virtualSize()).isEqualTo(64 << 20);
    Files2.edit(f, 256 * 1024, 65536, false, b -> b.put(40, (byte) 9));
    assertRefused("both region tables are invalid");
  }

  @Test
  void overlappingRegions() throws IOException {
    for (long t : VhdxLayout.REGION_TABLE_OFFSETS) {
      Files2.edit(f, t, 65536, true, b -> b.putLong(64, l.batOffset()));
    }
    assertRefused("overlaps");
  }

  @Test
  void regionOverlappingTheLog() throws IOException {
    for (long t : VhdxLayout.REGION_TABLE_OFFSETS) {
      Files2.edit(f, t, 65536, true, b -> b.putLong(32, l.header().logOffset()));
    }
    assertRefused("overlaps");
  }

  @Test
  void hugeRegionCount() throws IOException {
    for (long t : VhdxLayout.REGION_TABLE_OFFSETS) {
      Files2.edit(f, t, 65536, true, b -> b.putInt(8, Integer.MAX_VALUE));
    }
    assertRefused("entries (at most 2047)");
  }

  @Test
  void hugeMetadataCount() throws IOException {
    Files2.edit(f, l.metadataOffset(), 64, false, b -> b.putShort(10, (short) -1));
    assertRefused("entries (at most 2047)");
  }

  @Test
  void metadataItemOutsideItsRegion() throws IOException {
    Files2.edit(f, l.metadataOffset(), 64, false, b -> b.putInt(32 + 16, 0x7FFF0000));
    assertRefused("outside its region");
  }

  @Test
  void unknownRequiredMetadataItem() throws IOException {
    Files2.edit(f, l.metadataOffset(), 256, false, b -> b.putLong(32, 0x1234L));
    assertRefused("unknown required metadata item");
  }

  @Test
  void batEntryPastTheEnd() throws IOException {
    Files2.edit(f, l.batOffset(), 8, false, b -> b.putLong(0, (1L << 40) | Bat.FULLY_PRESENT));
    assertRefused("past the end of the file");
  }

  @Test
  void twoBlocksAtTheSameOffset() throws IOException {
    long e0 = Files2.read(f, l.batOffset(), 8).getLong(0);
    Files2.edit(f, l.batOffset() + 8, 8, false, b -> b.putLong(0, e0));
    assertRefused("overlaps");
  }

  @Test
  void blockOverTheMetadata() throws IOException {
    Files2.edit(f, l.batOffset(), 8, false,
        b -> b.putLong(0, l.metadataOffset() | Bat.FULLY_PRESENT));
    assertRefused("overlaps");
  }

  @Test
  void reservedBlockState() throws IOException {
    Files2.edit(f, l.batOffset() + 16, 8, false, b -> b.putLong(0, 4));
    assertRefused("reserved state 4");
  }

  @Test
  void blockSizeNotAPowerOfTwo() throws IOException {
    long at = l.metadataOffset() + l.metadataItems().get(VhdxLayout.FILE_PARAMETERS).offset();
    Files2.edit(f, at, 8, false, b -> b.putInt(0, 3 << 20));
    assertRefused("block size 3145728");
  }

  @Test
  void virtualSizeTooLarge() throws IOException {
    long at = l.metadataOffset() + l.metadataItems().get(VhdxLayout.VIRTUAL_DISK_SIZE).offset();
    Files2.edit(f, at, 8, false, b -> b.putLong(0, Long.MAX_VALUE - 511));
    assertRefused("up to 64 TiB");
  }

  @Test
  void batTooSmallForTheVirtualSize() throws IOException {
    long at = l.metadataOffset() + l.metadataItems().get(VhdxLayout.VIRTUAL_DISK_SIZE).offset();
    Files2.edit(f, at, 8, false, b -> b.putLong(0, 1L << 40));
    assertRefused("its region holds");
  }

  @Test
  void truncatedFile() throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(l.metadataOffset() + 4096);
    }
    assertRefused("beyond the end of the file");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(1000);
    }
    assertRefused("at least 1 MiB");
  }

  @Test
  void notAVhdx() throws IOException {
    Files2.write(f, 0, ByteBuffer.wrap("QFI\u00fb".getBytes()));
    assertRefused("vhdxfile");
  }

  @Test
  void closedChannelAndReadsPastTheEnd() throws IOException {
    SeekableByteChannel ch = format.openVirtualDisk(f);
    ch.position(1L << 40);
    assertThat(ch.read(ByteBuffer.allocate(10))).isEqualTo(-1);
    ch.close();
    assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1)))
        .isInstanceOf(java.nio.channels.ClosedChannelException.class);
  }
}
