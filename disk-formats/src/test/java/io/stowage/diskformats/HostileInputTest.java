package io.stowage.diskformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.SafetyFinding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted images — sizes, counts and offsets out of range, bad versions, truncation, broken
 * checksums — each refused by inspect and by the stream inspector alike with a precise reason.
 */
class HostileInputTest {
  @TempDir Path dir;

  private Path qemu(String name, String format, String size, String... options) {
    Tools.require("qemu-img", "qemu-utils");
    Path f = dir.resolve(name);
    String[] cmd = new String[6 + options.length];
    cmd[0] = "qemu-img";
    cmd[1] = "create";
    cmd[2] = "-q";
    cmd[3] = "-f";
    cmd[4] = format;
    System.arraycopy(options, 0, cmd, 5, options.length);
    cmd[5 + options.length] = f.toString();
    Tools.ok(append(cmd, size));
    return f;
  }

  private static String[] append(String[] a, String s) {
    String[] b = java.util.Arrays.copyOf(a, a.length + 1);
    b[a.length] = s;
    return b;
  }

  /** A copy of {@code src} with {@code value} written at {@code at} ({@code width} bytes). */
  private Path patched(Path src, long at, long value, int width, ByteOrder order)
      throws IOException {
    Path f = dir.resolve("p-" + System.nanoTime() + "-" + src.getFileName());
    Files.copy(src, f);
    ByteBuffer b = ByteBuffer.allocate(8).order(order);
    switch (width) {
      case 1 -> b.put((byte) value);
      case 2 -> b.putShort((short) value);
      case 4 -> b.putInt((int) value);
      default -> b.putLong(value);
    }
    b.flip();
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(b, at);
    }
    return f;
  }

  /** Both readers refuse {@code f} with a message containing {@code reason}. */
  private static void refused(DiskFormat format, Path f, String reason) {
    assertThatThrownBy(() -> Images.inspect(format, f)).as(f.getFileName() + " by inspect")
        .isInstanceOf(InvalidImageDataException.class).hasMessageContaining(reason);
    assertThatThrownBy(() -> Images.stream(format, f, 1)).as(f.getFileName() + " by stream")
        .isInstanceOf(InvalidImageDataException.class).hasMessageContaining(reason);
  }

  private static DiskInfo both(DiskFormat format, Path f) throws IOException {
    DiskInfo info = Images.inspect(format, f);
    assertThat(Images.stream(format, f, 2)).isEqualTo(info);
    return info;
  }

  @Test
  void qcow2() throws IOException {
    Qcow2Format q = new Qcow2Format();
    Path f = qemu("q.qcow2", "qcow2", "64M");
    ByteOrder be = ByteOrder.BIG_ENDIAN;
    refused(q, patched(f, 4, 4, 4, be), "unsupported version 4");
    refused(q, patched(f, 4, 1, 4, be), "unsupported version 1");
    refused(q, patched(f, 20, 30, 4, be), "unsupported cluster size 2^30");
    refused(q, patched(f, 20, 8, 4, be), "unsupported cluster size 2^8");
    refused(q, patched(f, 36, 0xFFFFFFFFL, 4, be), "active L1 table is too large");
    refused(q, patched(f, 36, 0, 4, be), "L1 table (0 entries) is too small");
    refused(q, patched(f, 40, 1L << 40, 8, be), "lies beyond the end of the image");
    refused(q, patched(f, 40, 0x30001, 8, be), "active L1 table offset 196609 is invalid");
    refused(q, patched(f, 60, 70000, 4, be), "snapshot table is too large");
    refused(q, patched(f, 60, 3, 4, be), "snapshot table at offset 0 overlaps the header");
    refused(q, patched(f, 56, 0, 4, be), "no reference count table");
    refused(q, patched(f, 56, 1 << 20, 4, be), "reference count table is too large");
    refused(q, patched(f, 24, -1L, 8, be), "is too large");
    refused(q, patched(f, 24, 1L << 40, 8, be), "is too small for the virtual size");
    refused(q, patched(f, 24, 1L << 62, 8, be), "the image is too big");
    refused(q, patched(f, 32, 3, 4, be), "unsupported encryption method 3");
    refused(q, patched(f, 72, 1L << 5, 8, be), "unsupported incompatible feature bits 0x20");
    refused(q, patched(f, 96, 7, 4, be), "refcount width 2^7");
    refused(q, patched(f, 100, 64, 4, be), "header is too short");
    refused(q, patched(f, 100, 1 << 20, 4, be), "exceeds the cluster size");
    refused(q, patched(f, 8, 65537, 8, be), "invalid backing file offset");
    Path named = patched(patched(f, 8, 512, 8, be), 16, 1024, 4, be);
    refused(q, named, "backing file name is too long");
    // a header extension whose length runs past the cluster
    Path ext = patched(patched(f, 112, 0x12345678, 4, be), 116, 0x7FFFFFF0, 4, be);
    refused(q, ext, "header extension 0x12345678 is too large");
    Path cut = dir.resolve("cut.qcow2");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(f), 50));
    refused(q, cut, "truncated");
    DiskInfo corrupt = both(q, patched(f, 72, 2, 8, be));
    assertThat(corrupt.safety()).extracting(SafetyFinding::check).containsExactly("corruption");
    DiskInfo aes = both(q, patched(f, 32, 1, 4, be));
    assertThat(aes.safety()).extracting(SafetyFinding::check).containsExactly("encryption");
    DiskInfo dataFileBit = both(q, patched(f, 72, 4, 8, be));
    assertThat(dataFileBit.safety()).extracting(SafetyFinding::check)
        .containsExactly("external_data_file");
  }

  @Test
  void vmdk() throws IOException {
    VmdkFormat v = new VmdkFormat();
    Path f = qemu("m.vmdk", "vmdk", "64M");
    ByteOrder le = ByteOrder.LITTLE_ENDIAN;
    refused(v, patched(f, 4, 4, 4, le), "unsupported version 4");
    refused(v, patched(f, 44, 1024, 4, le), "grain tables (1024 entries) are too big");
    refused(v, patched(f, 20, 0, 8, le), "entry size is invalid");
    refused(v, patched(f, 20, 1L << 22, 8, le), "invalid granularity");
    refused(v, patched(f, 12, -1L, 8, le), "is too large");
    refused(v, patched(f, 12, 1L << 50, 8, le), "grain directory (");
    refused(v, patched(f, 56, 1L << 40, 8, le), "lies beyond the end of the image");
    refused(v, patched(f, 64, 1L << 30, 8, le), "truncated");
    refused(v, patched(f, 28, 1L << 40, 8, le), "embedded descriptor's offset");
    refused(v, patched(f, 28, 0, 8, le), "no embedded descriptor");
    refused(v, patched(f, 56, -1L, 8, le), "invalid footer");
    // an extent line qemu refuses: FLAT without its offset
    Path bad = dir.resolve("bad.vmdk");
    Files.writeString(bad, "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
        + "createType=\"monolithicFlat\"\nRW 2048 FLAT \"x.raw\"\n");
    refused(v, bad, "invalid extent line");
    Path other = dir.resolve("other.vmdk");
    Files.writeString(other, "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
        + "createType=\"monolithicFlat\"\nRW 2048 FLAT \"/etc/shadow\" 0\n");
    DiskInfo info = both(v, other);
    assertThat(info.safety()).extracting(SafetyFinding::check).containsExactly("external_extent");
    assertThat(info.safety().get(0).message()).contains("/etc/shadow");
    assertThat(info.virtualSize()).isEqualTo(2048 * 512);
    // a sparse extent whose embedded descriptor points elsewhere (CVE-2024-32498's shape)
    byte[] bytes = Files.readAllBytes(f);
    String desc = new String(bytes, 512, 1024, java.nio.charset.StandardCharsets.ISO_8859_1);
    String evil = desc.replaceFirst("RW (\\d+) SPARSE \"[^\"]*\"", "RW $1 FLAT \"/etc/passwd\" 0");
    System.arraycopy(evil.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, bytes, 512,
        1024);
    Path evilFile = Files.write(dir.resolve("evil.vmdk"), bytes);
    assertThat(both(v, evilFile).safety()).extracting(SafetyFinding::check)
        .containsExactly("external_extent");
    // capacity 0: qemu opens the embedded descriptor's extents
    assertThat(both(v, patched(f, 12, 0, 8, le)).safety()).extracting(SafetyFinding::check)
        .contains("external_extent");
  }

  @Test
  void vdi() throws IOException {
    VdiFormat v = new VdiFormat();
    Path f = qemu("v.vdi", "vdi", "64M");
    ByteOrder le = ByteOrder.LITTLE_ENDIAN;
    refused(v, patched(f, 68, 0x00010000, 4, le), "unsupported version 1.0");
    refused(v, patched(f, 360, 4096, 4, le), "unsupported sector size 4096");
    refused(v, patched(f, 376, 4096, 4, le), "unsupported block size");
    refused(v, patched(f, 368, 1L << 40, 8, le), "exceeds the 64 blocks mapped");
    refused(v, patched(f, 368, -5L, 8, le), "unsupported disk size");
    refused(v, patched(f, 384, 0x40000000L, 4, le), "too many blocks");
    refused(v, patched(f, 388, 65, 4, le), "65 blocks allocated of 64");
    refused(v, patched(f, 388, 10, 4, le), "lies beyond the end of the image");
    refused(v, patched(f, 340, 513, 4, le), "not sector-aligned");
    refused(v, patched(f, 340, 0, 4, le), "overlaps the header");
    refused(v, patched(f, 76, 9, 4, le), "unknown image type 9");
    DiskInfo child = both(v, patched(f, 440, 0x1234, 8, le));
    assertThat(child.safety()).extracting(SafetyFinding::check).containsExactly("parent_reference");
  }

  @Test
  void luks() throws IOException {
    LuksFormat l = new LuksFormat();
    Path f = qemu("l.luks", "luks", "4M", "--object", "secret,id=s,data=pw", "-o",
        "key-secret=s,iter-time=250");
    ByteOrder be = ByteOrder.BIG_ENDIAN;
    refused(l, patched(f, 6, 3, 2, be), "unsupported version 3");
    refused(l, patched(f, 208 + 44, 10, 4, be), "key slot 0 is corrupted (stripes 10)");
    refused(l, patched(f, 208, 7, 4, be), "key slot 0 has an invalid state");
    refused(l, patched(f, 208 + 40, 1, 4, be), "key slot 0 overlaps the header");
    refused(l, patched(f, 208 + 48 + 40, 8, 4, be), "key slots 0 and 1 overlap");
    refused(l, patched(f, 104, 1 << 30, 4, be), "lies beyond the end of the image");
    refused(l, patched(f, 104, 8, 4, be), "overlaps the encrypted payload");
    refused(l, patched(f, 108, 0, 4, be), "invalid master key length 0");
  }

  @Test
  void luks2ChecksumAndMetadata() throws IOException {
    Tools.require("cryptsetup", "cryptsetup-bin");
    LuksFormat l = new LuksFormat();
    Path f = dir.resolve("l2.img");
    Tools.ok("truncate", "-s", "20M", f.toString());
    Path key = Files.writeString(dir.resolve("key"), "secret");
    Tools.ok("cryptsetup", "luksFormat", "-q", "--type", "luks2", "--pbkdf", "pbkdf2",
        "--pbkdf-force-iterations", "1000", "--key-file", key.toString(), f.toString());
    both(l, f);
    refused(l, patched(f, 5000, 0x41, 1, ByteOrder.BIG_ENDIAN), "fails its sha256 checksum");
    refused(l, patched(f, 8, 12345, 8, ByteOrder.BIG_ENDIAN), "invalid LUKS2 header size");
    Path cut = dir.resolve("cut.img");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(f), 10000));
    refused(l, cut, "beyond the end");
  }

  @Test
  void isoAndPartitionTables() throws IOException {
    Tools.require("xorriso", "xorriso");
    Tools.require("sfdisk", "fdisk");
    IsoFormat iso = new IsoFormat();
    Files.createDirectories(dir.resolve("t"));
    Files.writeString(dir.resolve("t/a"), "a");
    Path i = dir.resolve("a.iso");
    Tools.ok("xorriso", "-as", "mkisofs", "-quiet", "-o", i.toString(), dir.resolve("t").toString());
    ByteOrder le = ByteOrder.LITTLE_ENDIAN;
    refused(iso, patched(i, 32768 + 80, 1 << 20, 4, le), "both-endian fields disagree");
    Path big = patched(patched(i, 32768 + 80, 1 << 20, 4, le), 32768 + 84, 1 << 20, 4,
        ByteOrder.BIG_ENDIAN);
    refused(iso, big, "truncated: the volume has 2147483648 bytes");
    Path cut = dir.resolve("cut.iso");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(i), 40000));
    refused(iso, cut, "truncated");

    PartitionedRawFormat raw = new PartitionedRawFormat();
    Path gpt = dir.resolve("gpt.raw");
    Tools.ok("truncate", "-s", "16M", gpt.toString());
    Tools.sh("printf 'label: gpt\\n,4M\\n,\\n' | sfdisk -q --no-reread " + gpt);
    both(raw, gpt);
    refused(raw, patched(gpt, 1024 + 32, 0x41, 1, le), "GPT entry array fails its CRC");
    // a damaged GPT header is no GPT: its protective MBR alone is no MBR either
    Path broken = patched(gpt, 512 + 24, 7, 1, le);
    assertThat(raw.probe(ByteBuffer.wrap(Files.readAllBytes(broken)))).isFalse();
  }
}
