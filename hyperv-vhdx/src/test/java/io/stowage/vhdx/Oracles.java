package io.stowage.vhdx;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.SparseChannel;
import io.stowage.api.disk.StreamInspector;
import io.stowage.vhdx.TestWriters.Write;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The oracle tools as the matrix asks them, and what the matrix does to files around them. */
final class Oracles {
  private Oracles() {}

  static void qemuIo(Path f, String format, List<Write> writes) {
    if (writes.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", format));
    for (Write w : writes) {
      cmd.add("-c");
      cmd.add("write -q -P " + w.pattern() + " " + w.offset() + " " + w.length());
    }
    cmd.add(f.toString());
    Tools.ok(cmd.toArray(String[]::new));
  }

  static long qemuVirtualSize(Path f, String format) {
    return Tools.qemuVirtualSize(f, format);
  }

  /** {@code qemu-img info}: the format and virtual size. */
  static void qemuInfo(Path f, String format, long size) {
    String json = Tools.ok("qemu-img", "info", "-f", format, "--output=json", f.toString());
    assertThat(field(json, "format")).as("qemu-img info format").isEqualTo(format);
    assertThat(Long.parseLong(field(json, "virtual-size"))).as("qemu-img info virtual size")
        .isEqualTo(size);
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\\s*\"?([^\",\\s]+)").matcher(json);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in " + json);
    }
    return m.group(1);
  }

  /** {@code qemu-img check}: no errors, no leaks. */
  static void qemuCheck(Path f) {
    String out = Tools.ok("qemu-img", "check", "-f", "vhdx", f.toString());
    assertThat(out).as("qemu-img check").contains("No errors were found");
  }

  /** {@code vhdiinfo}: accepts the file, same size and type. */
  static void vhdiinfo(Path f, long size, String type) {
    String out = Tools.ok("vhdiinfo", f.toString());
    assertThat(out).as("vhdiinfo media size").contains("(" + size + " bytes)");
    String theirs = switch (type) {
      case "fixed" -> "Fixed";
      case "dynamic" -> "Dynamic";
      default -> "Differential";
    };
    assertThat(out).as("vhdiinfo disk type").containsPattern("Disk type\\s*:\\s*" + theirs);
  }

  /** Byte for byte, with {@code cmp}. */
  static void cmp(Path a, Path b, String what) {
    io.stowage.tck.ToolRun r = Tools.run("cmp", a.toString(), b.toString());
    if (r.exit() != 0) {
      throw new AssertionError(what + ": " + r.out().trim());
    }
  }

  /** The guest data as libvhdi's FUSE mount shows it (the chain resolved), against expected. */
  static void vhdimount(Path f, Path expected) throws IOException {
    Tools.require("vhdimount");
    Path mnt = Files.createDirectory(f.resolveSibling("mnt"));
    if (Tools.run("vhdimount", f.toString(), mnt.toString()).exit() != 0) {
      // -v says why (and, having failed, does not stay in the foreground)
      throw new AssertionError("vhdimount refuses " + f + ": "
          + Tools.run("vhdimount", "-v", f.toString(), mnt.toString()).out());
    }
    try {
      // vhdi1 is the base of a chain, the last one the image itself
      Path top;
      try (Stream<Path> s = Files.list(mnt)) {
        top = s.max(Comparator.comparingInt(
            p -> Integer.parseInt(p.getFileName().toString().substring(4)))).orElseThrow();
      }
      cmp(top, expected, "vhdimount's guest bytes against the model");
    } finally {
      Tools.run("umount", mnt.toString());
    }
  }

  /**
   * Writes the guest data as a sparse raw file through {@link SparseChannel#transferTo} (the
   * kernel's file-to-file copy where the data lies in the file as it is), holes skipped, in
   * pieces of odd sizes.
   */
  static void toRawByTransfer(DiskFormat format, Path image, Path out, Random r)
      throws IOException {
    try (SeekableByteChannel in = format.openVirtualDisk(image);
        FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      SparseChannel s = (SparseChannel) in;
      long size = in.size();
      for (long pos = s.nextData(0); pos < size; pos = s.nextData(pos)) {
        long end = s.nextHole(pos);
        while (pos < end) {
          long n = Math.min(end - pos, 1 + r.nextInt(5 << 20));
          o.position(pos);
          assertThat(s.transferTo(pos, n, o)).isEqualTo(n);
          pos += n;
        }
      }
      assertThat(in.position()).isZero();
      o.truncate(size);
      if (o.size() < size) {
        o.write(ByteBuffer.allocate(1), size - 1);
      }
    }
  }

  /** Writes the guest data as a sparse raw file: holes skipped, zero chunks not written. */
  static void toRaw(DiskFormat format, Path image, Path out) throws IOException {
    try (SeekableByteChannel in = format.openVirtualDisk(image);
        FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      SparseChannel s = (SparseChannel) in;
      long size = in.size();
      ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
      ByteBuffer zeros = ByteBuffer.allocateDirect(4 << 20);
      for (long pos = s.nextData(0); pos < size; pos = s.nextData(pos)) {
        long end = s.nextHole(pos);
        assertThat(end).isGreaterThan(pos);
        in.position(pos);
        while (pos < end) {
          buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
          while (buf.hasRemaining()) {
            assertThat(in.read(buf)).isPositive();
          }
          buf.flip();
          int n = buf.remaining();
          if (buf.mismatch(zeros.clear().limit(n)) != -1) {
            while (buf.hasRemaining()) {
              o.write(buf, pos + buf.position());
            }
          }
          pos += n;
        }
      }
      o.truncate(size);
      if (o.size() < size) {
        o.write(ByteBuffer.allocate(1), size - 1);
      }
    }
  }

  /** The same file through the one-pass stream inspector. */
  static DiskInfo streamInspect(DiskFormat format, Path f) throws IOException {
    StreamInspector si = format.streamInspector();
    try (FileChannel ch = FileChannel.open(f)) {
      ByteBuffer b = ByteBuffer.allocate(1 << 20);
      long total = 0;
      while (ch.read(b.clear()) > 0) {
        total += b.flip().remaining();
        si.update(b);
      }
      return si.finish(total);
    }
  }

  /**
   * Leaves a log to replay, as a crash of Hyper-V leaves it: one entry writing a sector of an
   * allocated block and zeroing 8 KiB of it, a second one rewriting a BAT sector so that
   * another allocated block becomes a ZERO block. Records the guest-visible effect in the model.
   */
  static void addLog(Path f, OracleMatrixTest.Model model, Random r) throws IOException {
    VhdxLayout l;
    try (FileChannel ch = FileChannel.open(f)) {
      l = VhdxImage.open(new ChannelSource(ch)).layout;
    }
    List<Long> present = new ArrayList<>();
    ByteBuffer bat = Files2.read(f, l.batOffset(), (int) (8 * l.batEntries()));
    for (long b = 0; b < l.dataBlocks(); b++) {
      if (Bat.state(bat.getLong((int) (8 * l.payloadIndex(b)))) == Bat.FULLY_PRESENT) {
        present.add(b);
      }
    }
    assertThat(present).as("allocated blocks to log changes to").isNotEmpty();
    long a = present.get(r.nextInt(present.size()));
    long bs = l.blockSize();
    long inA = Math.min(bs, l.virtualSize() - a * bs);
    long x = (long) (r.nextDouble() * (inA / 4096)) * 4096;
    long y = (long) (r.nextDouble() * (inA / 4096)) * 4096;
    long aFile = bat.getLong((int) (8 * l.payloadIndex(a))) & Bat.OFFSET_MASK;
    Guid g = Guid.random();
    long seq = 1 + r.nextInt(1 << 20);
    byte[] sector = new byte[4096];
    java.util.Arrays.fill(sector, (byte) 0x77);
    int len1 = entry(f, l, 0, seq, g, List.of(new long[] {aFile + x}), List.of(sector),
        new long[] {aFile + y, 8192});
    model.add(new Write(a * bs + x, 4096, 0x77));
    model.add(new Write(a * bs + y, 8192, 0));
    if (present.size() > 1) {
      long b = present.get(present.get(0) == a ? 1 : 0);
      long index = l.payloadIndex(b);
      long sectorAt = l.batOffset() + index * 8 / 4096 * 4096;
      ByteBuffer s = Files2.read(f, sectorAt, 4096);
      int i = (int) (index * 8 % 4096);
      s.putLong(i, (s.getLong(i) & ~7L) | Bat.ZERO);
      entry(f, l, len1, seq + 1, g, List.of(new long[] {sectorAt}), List.of(s.array()), null);
      model.add(new Write(b * bs, bs, 0));
    }
    LogReplayTest.setLogGuid(f, l, g);
  }

  /** Writes one log entry at {@code logPos}; returns its length. */
  private static int entry(Path f, VhdxLayout l, long logPos, long seq, Guid g,
      List<long[]> at, List<byte[]> sectors, long[] zero) throws IOException {
    int count = at.size() + (zero == null ? 0 : 1);
    int descSectors = (int) VhdxLayout.ceilDiv(64 + 32L * count, 4096);
    int len = (descSectors + sectors.size()) * 4096;
    ByteBuffer e = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    e.putInt(0, 0x65676F6C).putInt(8, len).putInt(12, 0).putLong(16, seq).putInt(24, count);
    g.write(e, 32);
    e.putLong(48, Files.size(f)).putLong(56, Files.size(f));
    int d = 64;
    for (int i = 0; i < sectors.size(); i++, d += 32) {
      ByteBuffer s = ByteBuffer.wrap(sectors.get(i)).order(ByteOrder.LITTLE_ENDIAN);
      e.putInt(d, 0x63736564).putInt(d + 4, s.getInt(4092)).putLong(d + 8, s.getLong(0))
          .putLong(d + 16, at.get(i)[0]).putLong(d + 24, seq);
      int ds = (descSectors + i) * 4096;
      e.putInt(ds, 0x61746164).putInt(ds + 4, (int) (seq >>> 32)).putInt(ds + 4092, (int) seq);
      e.put(ds + 8, sectors.get(i), 8, 4084);
    }
    if (zero != null) {
      e.putInt(d, 0x6F72657A).putLong(d + 8, zero[1]).putLong(d + 16, zero[0])
          .putLong(d + 24, seq);
    }
    Checked.seal(e, len, 4);
    Files2.write(f, l.header().logOffset() + logPos, e);
    return len;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
