package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.DiskSpec;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A differencing disk with a fully present and a partially present block (as Hyper-V writes
 * them), read sector by sector from the child or the parent per the sector bitmap.
 */
class PartialBlockTest {
  @TempDir Path dir;
  private final VhdxFormat format = new VhdxFormat();

  /** Builds the chain; returns the expected guest bytes of the first 3 MiB. */
  static byte[] makeChain(VhdxFormat format, Path base, Path child, long seed) throws IOException {
    format.create(base, DiskSpec.dynamic(16 << 20).withBlockSize(1 << 20));
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x11 0 3M", base.toString());
    format.create(child, DiskSpec.differencing(base));
    VhdxLayout l;
    try (FileChannel ch = FileChannel.open(child)) {
      l = VhdxImage.open(new ChannelSource(ch)).layout;
    }
    long end = Files.size(child);
    long bitmapAt = end;
    long block0 = end + (1 << 20);
    long block1 = block0 + (1 << 20);
    byte[] bitmap = new byte[1 << 20];
    Random r = new Random(seed);
    byte[] expected = new byte[3 << 20];
    java.util.Arrays.fill(expected, (byte) 0x11);
    for (int s = 0; s < 2048; s++) { // sectors of block 0
      boolean mine = s < 8 || (s >= 100 && s < 300) || r.nextInt(4) == 0;
      if (mine) {
        bitmap[s / 8] |= (byte) (1 << (s % 8));
        java.util.Arrays.fill(expected, s * 512, s * 512 + 512, (byte) 0x22);
      }
    }
    java.util.Arrays.fill(expected, 1 << 20, 2 << 20, (byte) 0x33);
    byte[] data0 = new byte[1 << 20];
    java.util.Arrays.fill(data0, (byte) 0x22);
    byte[] data1 = new byte[1 << 20];
    java.util.Arrays.fill(data1, (byte) 0x33);
    Files2.write(child, bitmapAt, ByteBuffer.wrap(bitmap));
    Files2.write(child, block0, ByteBuffer.wrap(data0));
    Files2.write(child, block1, ByteBuffer.wrap(data1));
    ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    Files2.write(child, l.batOffset() + 8 * l.payloadIndex(0),
        e.putLong(0, block0 | Bat.PARTIALLY_PRESENT));
    Files2.write(child, l.batOffset() + 8 * l.payloadIndex(1),
        e.putLong(0, block1 | Bat.FULLY_PRESENT));
    Files2.write(child, l.batOffset() + 8 * l.bitmapIndex(0),
        e.putLong(0, bitmapAt | Bat.FULLY_PRESENT));
    return expected;
  }

  @Test
  void readsEachSectorFromWhereTheBitmapSays() throws IOException {
    Path base = dir.resolve("base.vhdx");
    Path child = dir.resolve("child.vhdx");
    byte[] expected = makeChain(format, base, child, 5);
    DiskInfo info;
    try (FileChannel ch = FileChannel.open(child)) {
      info = format.inspect(ch);
    }
    assertThat(info.details()).containsEntry("allocated_blocks", 2L)
        .containsEntry("partially_present_blocks", 1L).containsEntry("sector_bitmap_blocks", 1L);
    Tools.ok("vhdiinfo", child.toString());
    try (SeekableByteChannel ch = format.openVirtualDisk(child)) {
      byte[] got = new byte[expected.length];
      ByteBuffer b = ByteBuffer.wrap(got);
      Random r = new Random(1);
      while (b.hasRemaining()) { // odd-sized reads that start mid-sector
        b.limit(Math.min(got.length, b.position() + 1 + r.nextInt(70000)));
        ch.read(b);
        b.limit(got.length);
      }
      assertThat(got).isEqualTo(expected);
      ByteBuffer big = ByteBuffer.allocateDirect(5 << 20); // large: the parallel path
      ch.position(0).read(big);
      byte[] bigBytes = new byte[5 << 20];
      big.flip().get(bigBytes);
      assertThat(java.util.Arrays.copyOf(bigBytes, expected.length)).isEqualTo(expected);
      assertThat(java.util.Arrays.copyOfRange(bigBytes, expected.length, bigBytes.length))
          .containsOnly(0);
      ByteBuffer rest = ByteBuffer.allocate(1 << 20);
      ch.position(5 << 20).read(rest);
      assertThat(rest.array()).containsOnly(0);
    }
  }
}
