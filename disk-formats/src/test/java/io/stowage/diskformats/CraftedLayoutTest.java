package io.stowage.diskformats;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.disk.DiskInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layouts no tool here makes: a GPT on 4096-byte sectors, a UDF-only disc. */
class CraftedLayoutTest {
  @TempDir Path dir;

  @Test
  void gptOnFourKibibyteSectors() throws IOException {
    int sector = 4096;
    ByteBuffer disk = ByteBuffer.allocate(16 << 20).order(ByteOrder.LITTLE_ENDIAN);
    long lastLba = disk.capacity() / sector - 1;
    // protective MBR
    disk.put(446 + 4, (byte) 0xee).putInt(446 + 8, 1).putInt(446 + 12, (int) lastLba);
    disk.put(510, (byte) 0x55).put(511, (byte) 0xaa);
    // 128 entries of 128 bytes at LBA 2; one partition
    int entries = 2 * sector;
    disk.putLong(entries, 0x4433221100L).putLong(entries + 8, 1).putLong(entries + 32, 6)
        .putLong(entries + 40, lastLba - 6);
    CRC32 crc = new CRC32();
    crc.update(disk.array(), entries, 128 * 128);
    ByteBuffer h = disk.slice(sector, 92).order(ByteOrder.LITTLE_ENDIAN);
    h.put("EFI PART".getBytes(StandardCharsets.US_ASCII)).putInt(8, 0x00010000).putInt(12, 92)
        .putLong(24, 1).putLong(32, lastLba).putLong(40, 6).putLong(48, lastLba - 6)
        .putLong(72, 2).putInt(80, 128).putInt(84, 128).putInt(88, (int) crc.getValue());
    CRC32 hc = new CRC32();
    hc.update(disk.array(), sector, 92);
    h.putInt(16, (int) hc.getValue());
    Path f = Files.write(dir.resolve("4kn.raw"), disk.array());
    DiskInfo info = Images.check(f, "raw");
    assertThat(info.details()).containsEntry("partition_table", "gpt")
        .containsEntry("sector_size", 4096).containsEntry("partitions", 1);
    assertThat(info.virtualSize()).isEqualTo(16 << 20);
  }

  @Test
  void udfOnlyDisc() throws IOException {
    ByteBuffer disc = ByteBuffer.allocate(1 << 20);
    String[] sequence = {"BEA01", "NSR03", "TEA01"};
    for (int i = 0; i < sequence.length; i++) {
      disc.position(32768 + 2048 * i);
      disc.put((byte) 0).put(sequence[i].getBytes(StandardCharsets.US_ASCII)).put((byte) 1);
    }
    Path f = Files.write(dir.resolve("udf.iso"), disc.array());
    DiskInfo info = Images.check(f, "iso");
    assertThat(info.details()).containsEntry("filesystems", java.util.List.of("udf"));
    assertThat(info.virtualSize()).isEqualTo(1 << 20);
    assertThat(info.safety()).isEmpty();
  }
}
