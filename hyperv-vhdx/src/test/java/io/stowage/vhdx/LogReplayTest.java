package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file with a log to replay (written here as Hyper-V would leave it after a crash), read in
 * memory and compared with the file qemu replays for real.
 */
class LogReplayTest {
  @TempDir Path dir;
  private final VhdxFormat format = new VhdxFormat();
  private Path f;
  private VhdxLayout layout;

  @BeforeEach
  void makeFile() throws IOException {
    f = dir.resolve("l.vhdx");
    Tools.ok("qemu-img", "create", "-q", "-f", "vhdx", "-o", "block_size=1M", f.toString(), "16M");
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x33 0 4M", f.toString());
    try (FileChannel ch = FileChannel.open(f)) {
      layout = VhdxImage.open(new ChannelSource(ch)).layout;
    }
  }

  void writeEntry(long logPos, long seq, Guid logGuid, long[][] data, long[][] zeros,
      long flushed) throws IOException {
    writeEntry(f, layout, logPos, seq, logGuid, data, zeros, flushed);
  }

  /** One log entry: a data descriptor per {offset, fill byte} pair, then {offset, length} zeros. */
  static void writeEntry(Path f, VhdxLayout layout, long logPos, long seq, Guid logGuid,
      long[][] data, long[][] zeros, long flushed) throws IOException {
    int count = data.length + zeros.length;
    int descSectors = (int) VhdxLayout.ceilDiv(64 + 32L * count, 4096);
    int len = (descSectors + data.length) * 4096;
    ByteBuffer e = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    e.putInt(0, 0x65676F6C).putInt(8, len).putInt(12, (int) logPos).putLong(16, seq)
        .putInt(24, count);
    logGuid.write(e, 32);
    e.putLong(48, flushed).putLong(56, flushed);
    int d = 64;
    for (int i = 0; i < data.length; i++, d += 32) {
      byte[] sector = new byte[4096];
      Arrays.fill(sector, (byte) data[i][1]);
      ByteBuffer s = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
      e.putInt(d, 0x63736564).putInt(d + 4, s.getInt(4092)).putLong(d + 8, s.getLong(0))
          .putLong(d + 16, data[i][0]).putLong(d + 24, seq);
      int ds = (descSectors + i) * 4096;
      e.putInt(ds, 0x61746164).putInt(ds + 4, (int) (seq >>> 32)).putInt(ds + 4092, (int) seq);
      e.put(ds + 8, sector, 8, 4084);
    }
    for (long[] z : zeros) {
      e.putInt(d, 0x6F72657A).putLong(d + 8, z[1]).putLong(d + 16, z[0]).putLong(d + 24, seq);
      d += 32;
    }
    Checked.seal(e, len, 4);
    Files2.write(f, layout.header().logOffset() + logPos, e);
  }

  void setLogGuid(Guid g) throws IOException {
    setLogGuid(f, layout, g);
  }

  static void setLogGuid(Path f, VhdxLayout layout, Guid g) throws IOException {
    VhdxHeader h = layout.header().withLogGuid(g).withSequence(layout.header().sequenceNumber() + 1);
    Files2.write(f, VhdxHeader.OFFSETS[1 - layout.headerIndex()], h.encode());
  }

  long blockOffset(int block) throws IOException {
    return Files2.read(f, layout.batOffset() + 8L * block, 8).getLong(0) & Bat.OFFSET_MASK;
  }

  @Test
  void replaysInMemoryAsQemuReplaysOnDisk() throws IOException {
    Guid g = Guid.random();
    long b1 = blockOffset(1);
    // BAT sector with block 2 turned into a ZERO block, through the log.
    ByteBuffer batSector = Files2.read(f, layout.batOffset(), 4096);
    batSector.putLong(16, (batSector.getLong(16) & ~7L) | Bat.ZERO);
    writeEntry(0, 41, g, new long[][] {{b1 + 8192, 0x77}}, new long[][] {{b1 + 65536, 8192}},
        Files.size(f));
    // a second, later entry in the same sequence carrying the BAT change
    int first = 2 * 4096;
    ByteBuffer e2 = buildBatEntry(first, 42, g, batSector);
    Files2.write(f, layout.header().logOffset() + first, e2);
    setLogGuid(g);
    byte[] before = Files.readAllBytes(f);

    DiskInfo info;
    try (FileChannel ch = FileChannel.open(f)) {
      info = format.inspect(ch);
    }
    assertThat(info.details()).containsEntry("log_state", "replay_needed")
        .containsEntry("log_entries", 2);
    assertThat(info.safety()).extracting(s -> s.check()).containsExactly("log_replay_needed");
    assertThat(Tools.run("qemu-img", "info", f.toString()).out()).containsIgnoringCase("replay");

    Path replayed = dir.resolve("replayed.vhdx");
    Files.copy(f, replayed, StandardCopyOption.COPY_ATTRIBUTES);
    Tools.run("qemu-img", "check", "-r", "all", replayed.toString());
    Path raw = dir.resolve("r.raw");
    Tools.ok("qemu-img", "convert", "-O", "raw", replayed.toString(), raw.toString());
    byte[] r = Files.readAllBytes(raw);
    assertThat(r[(1 << 20) + 8192]).isEqualTo((byte) 0x77);
    assertThat(r[(1 << 20) + 65536]).isEqualTo((byte) 0);
    assertThat(r[2 << 20]).isEqualTo((byte) 0);
    new QemuOracleTest().assertSameBytes(f, raw);
    assertThat(Files.readAllBytes(f)).isEqualTo(before); // read-only: never written
  }

  private ByteBuffer buildBatEntry(int logPos, long seq, Guid g, ByteBuffer sector) {
    ByteBuffer e = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
    e.putInt(0, 0x65676F6C).putInt(8, 8192).putInt(12, 0).putLong(16, seq).putInt(24, 1);
    g.write(e, 32);
    e.putLong(48, layout.fileSize()).putLong(56, layout.fileSize());
    e.putInt(64, 0x63736564).putInt(68, sector.getInt(4092)).putLong(72, sector.getLong(0))
        .putLong(80, layout.batOffset()).putLong(88, seq);
    e.putInt(4096, 0x61746164).putInt(4100, (int) (seq >>> 32)).putInt(4096 + 4092, (int) seq);
    e.put(4096 + 8, sector.array(), 8, 4084);
    Checked.seal(e, 8192, 4);
    return e;
  }

  @Test
  void refusesTruncatedFileAndIgnoresEntriesOfOtherLogs() throws IOException {
    Guid g = Guid.random();
    writeEntry(0, 7, Guid.random(), new long[][] {{blockOffset(0), 0x55}}, new long[0][], 0);
    setLogGuid(g);
    try (FileChannel ch = FileChannel.open(f)) {
      DiskInfo info = format.inspect(ch);
      assertThat(info.details()).containsEntry("log_state", "empty");
      assertThat(info.isSafe()).isTrue();
    }
    writeEntry(0, 7, g, new long[][] {{blockOffset(0), 0x55}}, new long[0][], 1L << 40);
    try (FileChannel ch = FileChannel.open(f)) {
      assertThatThrownBy(() -> format.inspect(ch))
          .isInstanceOf(InvalidImageDataException.class).hasMessageContaining("truncated");
    }
  }

  @Test
  void editsRefuseAFileWithALogToReplay() throws IOException {
    Guid g = Guid.random();
    writeEntry(0, 7, g, new long[][] {{blockOffset(0), 0x55}}, new long[0][], Files.size(f));
    setLogGuid(g);
    List<Throwable> errors = new ArrayList<>();
    try {
      format.resize(f, 32 << 20);
    } catch (InvalidImageDataException e) {
      errors.add(e);
    }
    assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
        .contains("log to replay");
  }
}
