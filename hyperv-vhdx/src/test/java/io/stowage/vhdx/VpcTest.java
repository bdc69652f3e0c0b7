package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Legacy VHD files made by qemu: sizes by qemu's rules, guest bytes as qemu converts them. */
class VpcTest {
  @TempDir Path dir;
  private final VpcFormat format = new VpcFormat();

  @ParameterizedTest(name = "{0} bytes, {1}")
  @CsvSource({
    "67108864, dynamic, off",
    "100000000, dynamic, off",
    "100000000, dynamic, on",
    "31457280, fixed, off",
    "50000384, fixed, on",
    "1073741824, dynamic, off",
  })
  void readsWhatQemuWrote(long size, String subformat, String forceSize) throws IOException {
    Path f = dir.resolve("v.vhd");
    Tools.ok("qemu-img", "create", "-q", "-f", "vpc", "-o",
        "subformat=" + subformat + ",force_size=" + forceSize, f.toString(), Long.toString(size));
    long vsize = Tools.qemuVirtualSize(f, "vpc");
    Tools.ok("qemu-io", "-f", "vpc", "-c", "write -P 0x3c 512 70000", f.toString());
    Tools.ok("qemu-io", "-f", "vpc", "-c", "write -P 0x3d " + (vsize / 2 / 512 * 512) + " 4096",
        f.toString());
    DiskInfo info = inspect(f);
    assertThat(info.virtualSize()).isEqualTo(vsize);
    assertThat(info.details()).containsEntry("type", subformat);
    assertThat(format.probe(Files2.read(f, 0, 8))).isEqualTo(subformat.equals("dynamic"));
    Path raw = dir.resolve("v.raw");
    Tools.ok("qemu-img", "convert", "-f", "vpc", "-O", "raw", f.toString(), raw.toString());
    // compared a MiB at a time: whole 1 GiB images in the heap got test JVMs killed on a
    // shared machine
    try (var ours = format.openVirtualDisk(f);
        FileChannel theirs = FileChannel.open(raw, StandardOpenOption.READ)) {
      assertThat(theirs.size()).isEqualTo(vsize);
      ByteBuffer a = ByteBuffer.allocate(1 << 20);
      ByteBuffer b = ByteBuffer.allocate(1 << 20);
      for (long p = 0; p < vsize; p += a.capacity()) {
        int n = (int) Math.min(a.capacity(), vsize - p);
        a.clear().limit(n);
        b.clear().limit(n);
        while (a.hasRemaining() && ours.read(a) >= 0) {}
        while (b.hasRemaining() && theirs.read(b, p + b.position()) >= 0) {}
        assertThat(a.flip()).as("guest bytes at %d", p).isEqualTo(b.flip());
      }
      assertThat(ours.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    }
    QemuOracleTest.assertHolesAreZeros(format, f, raw, subformat.equals("fixed") ? 0 : 1);
  }

  @Test
  void differencingIsReportedAndDamageRefused() throws IOException {
    Path f = dir.resolve("d.vhd");
    Tools.ok("qemu-img", "create", "-q", "-f", "vpc", f.toString(), "64M");
    long end = Files.size(f) - 512;
    ByteBuffer footer = Files2.read(f, 0, 512).order(ByteOrder.BIG_ENDIAN);
    footer.putInt(60, 4);
    reseal(footer, 64, 512);
    Files2.write(f, 0, footer);
    Files2.write(f, end, footer);
    long dyn = footer.getLong(16);
    ByteBuffer d = Files2.read(f, dyn, 1024).order(ByteOrder.BIG_ENDIAN);
    d.put(64, "base.vhd".getBytes(StandardCharsets.UTF_16BE));
    reseal(d, 36, 1024);
    Files2.write(f, dyn, d);
    DiskInfo info = inspect(f);
    assertThat(info.details()).containsEntry("type", "differencing")
        .containsEntry("parent_name", "base.vhd");
    assertThat(info.safety()).extracting(s -> s.check()).containsExactly("parent_reference");
    assertThatThrownBy(() -> format.openVirtualDisk(f))
        .isInstanceOf(InvalidImageDataException.class).hasMessageContaining("not found");

    Files2.edit(f, dyn, 1024, false, b -> b.put(100, (byte) 1));
    assertThatThrownBy(() -> inspect(f)).isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("dynamic header checksum");
    Files2.edit(f, 0, 512, false, b -> b.put(100, (byte) 1));
    assertThatThrownBy(() -> inspect(f)).isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("footer checksum");
  }

  @Test
  void batEntryPastTheEndAndHugeCounts() throws IOException {
    Path f = dir.resolve("b.vhd");
    Tools.ok("qemu-img", "create", "-q", "-f", "vpc", f.toString(), "64M");
    ByteBuffer footer = Files2.read(f, 0, 512).order(ByteOrder.BIG_ENDIAN);
    long dyn = footer.getLong(16);
    ByteBuffer d = Files2.read(f, dyn, 1024).order(ByteOrder.BIG_ENDIAN);
    long bat = d.getLong(16);
    Files2.write(f, bat, ByteBuffer.allocate(4).putInt(0, 0x10000000));
    assertThatThrownBy(() -> inspect(f)).isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("outside the file");
    d.putInt(28, -1);
    reseal(d, 36, 1024);
    Files2.write(f, dyn, d);
    assertThatThrownBy(() -> inspect(f)).isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("BAT entries");
  }

  static void reseal(ByteBuffer b, int at, int len) {
    b.order(ByteOrder.BIG_ENDIAN).putInt(at, 0);
    int sum = 0;
    for (int i = 0; i < len; i++) {
      sum += b.get(i) & 0xFF;
    }
    b.putInt(at, ~sum);
  }

  DiskInfo inspect(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f)) {
      return format.inspect(ch);
    }
  }
}
