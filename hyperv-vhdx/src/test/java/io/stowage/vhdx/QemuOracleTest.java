package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** VHDX files made and written by qemu, read by this code and compared with qemu's answers. */
class QemuOracleTest {
  @TempDir Path dir;
  private final VhdxFormat format = new VhdxFormat();

  @ParameterizedTest(name = "{0} bytes, block {1}, {2}")
  @CsvSource({
    "67108864, 1M, dynamic",
    "100000256, 2M, dynamic",
    "1073741824, 0, dynamic",
    "3221225472, 0, dynamic",
    "33554432, 8M, fixed",
    "40894464, 32M, dynamic",
    "209715200, 256M, dynamic",
  })
  void readsWhatQemuWrote(long size, String blockSize, String subformat) throws IOException {
    Path f = dir.resolve("q.vhdx");
    String opts = "subformat=" + subformat + (blockSize.equals("0") ? "" : ",block_size=" + blockSize);
    Tools.ok("qemu-img", "create", "-q", "-f", "vhdx", "-o", opts, f.toString(),
        Long.toString(size));
    long[][] writes = {{0, 4096}, {size / 3 / 512 * 512, 3 * 65536 + 512},
        {size - 1536, 1536}, {size / 2 / 512 * 512, 1 << 20}};
    int pattern = 0xa1;
    for (long[] w : writes) {
      Tools.ok("qemu-io", "-f", "vhdx", "-c",
          "write -P " + (pattern++) + " " + w[0] + " " + w[1], f.toString());
    }
    DiskInfo info;
    try (FileChannel ch = FileChannel.open(f)) {
      info = format.inspect(ch);
    }
    assertThat(info.virtualSize()).isEqualTo(Tools.qemuVirtualSize(f));
    assertThat(info.format()).isEqualTo("vhdx");
    assertThat(format.probe(Files2.read(f, 0, format.probeLength()))).isTrue();
    assertThat(new VpcFormat().probe(Files2.read(f, 0, 8))).isFalse();
    assertThat(format.probe(java.nio.ByteBuffer.wrap(new byte[] {'v', 'h', 'd'}))).isFalse();
    assertThat(info.isSafe()).isTrue();
    assertThat(info.details()).containsEntry("log_state", "clean");
    assertThat((long) info.details().get("allocated_blocks")).isPositive();
    if (subformat.equals("fixed")) {
      assertThat(info.details()).containsEntry("type", "fixed");
    }
    Path raw = dir.resolve("q.raw");
    Tools.ok("qemu-img", "convert", "-O", "raw", f.toString(), raw.toString());
    assertSameBytes(f, raw);
    boolean someAbsent = (long) info.details().get("allocated_blocks")
        + (long) info.details().get("zero_blocks") < (long) info.details().get("data_blocks");
    assertHolesAreZeros(format, f, raw, someAbsent ? 1 : 0);
  }

  /** Walks the holes the channel reports: each must be zeros in qemu's output. */
  static void assertHolesAreZeros(io.stowage.api.disk.DiskFormat format, Path image, Path raw,
      int minHoles) throws IOException {
    try (SeekableByteChannel ch = format.openVirtualDisk(image);
        FileChannel r = FileChannel.open(raw)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      io.stowage.api.disk.SparseChannel s = (io.stowage.api.disk.SparseChannel) ch;
      long size = ch.size();
      long pos = 0;
      int holes = 0;
      long data = 0;
      while (pos < size) {
        long d = s.nextData(pos);
        assertThat(d).isBetween(pos, size);
        for (long i = pos; i < d; i += buf.capacity()) {
          buf.clear().limit((int) Math.min(buf.capacity(), d - i));
          while (buf.hasRemaining() && r.read(buf, i + buf.position()) >= 0) {}
          int k = buf.flip().mismatch(ByteBuffer.allocate(buf.capacity()).limit(buf.limit()));
          if (k >= 0) {
            throw new AssertionError("byte " + (i + k) + " is in a reported hole but not zero");
          }
        }
        holes += d > pos ? 1 : 0;
        long h = d < size ? s.nextHole(d) : size;
        assertThat(h).isBetween(d, size);
        data += h - d;
        pos = h;
      }
      assertThat(holes).isGreaterThanOrEqualTo(minHoles);
      assertThat(data).isPositive();
    }
  }

  /** Reads the guest data in odd-sized chunks and compares it with {@code raw}. */
  void assertSameBytes(Path vhdx, Path raw) throws IOException {
    try (SeekableByteChannel ours = format.openVirtualDisk(vhdx);
        FileChannel theirs = FileChannel.open(raw, StandardOpenOption.READ)) {
      assertThat(ours.size()).isEqualTo(theirs.size());
      // small reads take the sequential path, large ones the parallel one
      ByteBuffer a = ByteBuffer.allocateDirect(9 << 20 | 1536);
      ByteBuffer b = ByteBuffer.allocate(a.capacity());
      long pos = 0;
      for (int round = 0; ; round++) {
        a.clear().limit(round % 2 == 0 ? 3 << 20 | 1536 : a.capacity());
        int n = ours.read(a);
        if (n < 0) {
          break;
        }
        b.clear().limit(n);
        while (b.hasRemaining() && theirs.read(b, pos + b.position()) >= 0) {}
        a.flip();
        byte[] x = new byte[n];
        a.get(x);
        if (!Arrays.equals(x, 0, n, b.array(), 0, n)) {
          throw new AssertionError("guest bytes differ from qemu's in " + pos + ".." + (pos + n));
        }
        pos += n;
      }
      assertThat(pos).isEqualTo(Files.size(raw));
    }
  }
}
