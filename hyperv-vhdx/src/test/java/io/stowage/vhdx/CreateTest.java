package io.stowage.vhdx;


import io.stowage.api.DataSize;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.DiskSpec;
import io.stowage.api.DuplicateException;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.UnsupportedStoreOperationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Files this code creates, checked by qemu-img and vhdiinfo and read back. */
class CreateTest {
  @TempDir Path dir;
  private final VhdxFormat format = new VhdxFormat();

  static DiskSpec spec(long size, long bs, int lss, boolean fixed) {
    DiskSpec s = DiskSpec.dynamic(size).withLogicalSectorSize(lss).withFixed(fixed);
    return bs == 0 ? s : s.withBlockSize(bs);
  }

  @ParameterizedTest(name = "{0} bytes, block {1}, sector {2}, fixed {3}, log {4}")
  @CsvSource({
    "67108864, 1048576, 512, false, 1MiB",
    "67108864, 0, 512, true, 1MiB",
    "3221225472, 0, 512, false, 4MiB",
    "100000256, 2097152, 512, true, 1MiB",
    "8589934592, 33554432, 4096, false, 1MiB",
  })
  void qemuAndLibvhdiAcceptCreatedFiles(long size, long bs, int lss, boolean fixed, String log)
      throws IOException {
    Path f = dir.resolve("c.vhdx");
    format.create(f, spec(size, bs, lss, fixed).withLogSize(DataSize.parse(log).bytes()));
    DiskInfo info = inspect(f);
    assertThat(info.virtualSize()).isEqualTo(size);
    assertThat(info.details()).containsEntry("type", fixed ? "fixed" : "dynamic");
    assertThat(info.details()).containsEntry("logical_sector_size", lss);
    if (fixed) {
      assertThat(info.details().get("allocated_blocks")).isEqualTo(info.details().get("data_blocks"));
    }
    String vhdi = Tools.ok("vhdiinfo", f.toString());
    assertThat(vhdi).contains("Media size").contains("(" + size + " bytes)");
    assertThat(vhdi).contains(fixed ? "Fixed" : "Dynamic");
    if (lss == 512) { // qemu refuses 4096-byte logical sectors
      assertThat(Tools.qemuVirtualSize(f)).isEqualTo(size);
      Tools.ok("qemu-img", "check", f.toString());
      // qemu writes into our file; we read what it wrote
      Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x5c 1048064 70000", f.toString());
      Tools.ok("qemu-img", "check", f.toString());
      Path raw = dir.resolve("c.raw");
      Tools.ok("qemu-img", "convert", "-O", "raw", f.toString(), raw.toString());
      new QemuOracleTest().assertSameBytes(f, raw);
    }
  }

  @Test
  void refusesBadSpecsAndExistingTargets() throws IOException {
    Path f = dir.resolve("x.vhdx");
    assertThatThrownBy(() -> format.create(f, spec(1000, 0, 512, false)))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> format.create(f, spec(1 << 20, 3 << 20, 512, false)))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("block size");
    assertThatThrownBy(() -> format.create(f, spec(1 << 20, 0, 512, false)
        .withPhysicalSectorSize(1024)))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("physical sector");
    assertThatThrownBy(() -> format.create(f, spec(1L << 50, 0, 512, false)))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(f).doesNotExist();
    Files.writeString(f, "keep me");
    assertThatThrownBy(() -> format.create(f, DiskSpec.dynamic(1 << 20)))
        .isInstanceOf(DuplicateException.class);
    assertThat(Files.readString(f)).isEqualTo("keep me");
    try (var s = Files.list(dir)) {
      assertThat(s).containsExactly(f);
    }
  }

  @Test
  void differencingDiskReadsThroughParentAndReconnects() throws IOException {
    Path base = dir.resolve("base.vhdx");
    format.create(base, spec(64 << 20, 1 << 20, 512, false));
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x11 0 8M", base.toString());
    Path sub = Files.createDirectories(dir.resolve("children"));
    Path child = sub.resolve("child.vhdx");
    format.create(child, DiskSpec.differencing(base));
    DiskInfo info = inspect(child);
    assertThat(info.details()).containsEntry("type", "differencing");
    assertThat(info.safety()).extracting(s -> s.check()).containsExactly("parent_reference");
    @SuppressWarnings("unchecked")
    Map<String, String> loc = (Map<String, String>) info.details().get("parent_locator");
    assertThat(loc).containsEntry("relative_path", "..\\base.vhdx");
    assertThat(loc.get("parent_linkage")).isEqualToIgnoringCase("{" + inspect(base).details()
        .get("data_write_guid") + "}");
    String vhdi = Tools.ok("vhdiinfo", child.toString());
    assertThat(vhdi).contains("Differential").contains("Parent filename")
        .contains(base.toAbsolutePath().toString().replace('/', '\\'));
    Path raw = dir.resolve("base.raw");
    Tools.ok("qemu-img", "convert", "-O", "raw", base.toString(), raw.toString());
    new QemuOracleTest().assertSameBytes(child, raw);

    Path moved = Files.createDirectories(dir.resolve("elsewhere")).resolve("b.vhdx");
    Files.move(base, moved);
    assertThatThrownBy(() -> format.openVirtualDisk(child).close())
        .isInstanceOf(InvalidImageDataException.class).hasMessageContaining("not found");
    Path stranger = dir.resolve("stranger.vhdx");
    format.create(stranger, spec(64 << 20, 1 << 20, 512, false));
    assertThatThrownBy(() -> format.reconnectParent(child, stranger, false))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("data-write GUID");
    String linkage = loc.get("parent_linkage");
    format.reconnectParent(child, moved, false);
    Tools.ok("vhdiinfo", child.toString());
    @SuppressWarnings("unchecked")
    Map<String, String> after = (Map<String, String>) inspect(child).details().get("parent_locator");
    assertThat(after).containsEntry("parent_linkage", linkage)
        .containsEntry("absolute_win32_path", moved.toAbsolutePath().toString().replace('/', '\\'));
    new QemuOracleTest().assertSameBytes(child, raw);
    assertThat(inspect(child).details().get("parent_locator").toString())
        .contains("..\\elsewhere\\b.vhdx");
    format.reconnectParent(child, stranger, true);
    try (SeekableByteChannel ch = format.openVirtualDisk(child)) {
      ByteBuffer b = ByteBuffer.allocate(4096);
      ch.read(b);
      assertThat(b.array()).containsOnly(0);
    }
  }

  @Test
  void hostileParentsAreRefused() throws IOException {
    Path base = dir.resolve("base.vhdx");
    format.create(base, spec(16 << 20, 1 << 20, 512, false));
    Path child = dir.resolve("child.vhdx");
    format.create(child, DiskSpec.differencing(base));
    format.reconnectParent(child, child, true); // its own parent
    assertThatThrownBy(() -> format.openVirtualDisk(child).close())
        .isInstanceOf(InvalidImageDataException.class).hasMessageContaining("loops");
    format.reconnectParent(child, base, true);
    Files.writeString(base, "root:x:0:0:root:/root:/bin/sh\n"); // not a disk at the parent path
    assertThatThrownBy(() -> format.openVirtualDisk(child).close())
        .isInstanceOf(InvalidImageDataException.class);
    assertThatThrownBy(() -> format.reconnectParent(child, base, true))
        .isInstanceOf(InvalidImageDataException.class);
  }

  @Test
  void growsDynamicDiskInPlaceMovingTheBat() throws IOException {
    Path f = dir.resolve("g.vhdx");
    format.create(f, spec(64 << 20, 1 << 20, 512, false));
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x42 3M 2M", f.toString());
    long big = 200L << 30; // 200 Ki entries: the 1 MiB BAT must move
    format.resize(f, 1L << 30);
    assertThat(inspect(f).virtualSize()).isEqualTo(1L << 30);
    Tools.ok("qemu-img", "check", f.toString());
    format.resize(f, big);
    assertThat(Tools.qemuVirtualSize(f)).isEqualTo(big);
    Tools.ok("qemu-img", "check", f.toString());
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x43 150G 1M", f.toString());
    Tools.ok("qemu-img", "check", f.toString());
    try (SeekableByteChannel ch = format.openVirtualDisk(f)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.position(3 << 20).read(b);
      assertThat(b.get(0)).isEqualTo((byte) 0x42);
      ch.position(150L << 30).read(b.clear());
      assertThat(b.get(0)).isEqualTo((byte) 0x43);
    }
    assertThatThrownBy(() -> format.resize(f, 1 << 20)).isInstanceOf(InvalidRequestException.class);
    Path fixed = dir.resolve("fx.vhdx");
    format.create(fixed, spec(8 << 20, 0, 512, true));
    format.resize(fixed, (300L << 30) + 4096); // the BAT moves; every new block allocated
    DiskInfo grown = inspect(fixed);
    assertThat(grown.virtualSize()).isEqualTo((300L << 30) + 4096);
    assertThat(grown.details().get("allocated_blocks")).isEqualTo(grown.details().get("data_blocks"));
    assertThat(Tools.qemuVirtualSize(fixed)).isEqualTo((300L << 30) + 4096);
    Tools.ok("qemu-img", "check", fixed.toString());
    Path child = dir.resolve("child.vhdx");
    format.create(child, DiskSpec.differencing(f));
    assertThatThrownBy(() -> format.resize(child, 1L << 40))
        .isInstanceOf(UnsupportedStoreOperationException.class);
  }

  @ParameterizedTest(name = "stop after {0} writes, target {1}")
  @CsvSource({"1, 1073741824", "2, 1073741824", "1, 214748364800", "2, 214748364800",
      "3, 214748364800", "4, 214748364800"})
  void resizeInterruptedLeavesOldOrNewDisk(int steps, long target) throws IOException {
    Path f = dir.resolve("r.vhdx");
    format.create(f, spec(64 << 20, 1 << 20, 512, false));
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x42 3M 2M", f.toString());
    VhdxResizer.resize(f, target, steps);
    long size = inspect(f).virtualSize();
    assertThat(size).isIn(64L << 20, target);
    assertThat(Tools.qemuVirtualSize(f)).isEqualTo(size);
    Tools.ok("qemu-img", "check", f.toString());
    format.resize(f, target); // a retry completes it
    assertThat(inspect(f).virtualSize()).isEqualTo(target);
    Tools.ok("qemu-img", "check", f.toString());
  }

  DiskInfo inspect(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f)) {
      return format.inspect(ch);
    }
  }
}
