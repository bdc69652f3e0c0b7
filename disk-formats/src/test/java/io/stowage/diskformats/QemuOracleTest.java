package io.stowage.diskformats;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.SafetyFinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Images made by qemu-img (and xorriso, sfdisk, cryptsetup), inspected from the file and from a
 * stream, compared with {@code qemu-img info --output=json}: same virtual size, the format
 * Glance names, and the findings the image deserves.
 */
class QemuOracleTest {
  @TempDir Path dir;

  @BeforeEach
  void tools() {
    Tools.require("qemu-img", "qemu-utils");
  }

  private Path qemu(String name, String format, String options, String size) {
    Path f = dir.resolve(name);
    if (options.isEmpty()) {
      Tools.ok("qemu-img", "create", "-q", "-f", format, f.toString(), size);
    } else {
      Tools.ok("qemu-img", "create", "-q", "-f", format, "-o", options, f.toString(), size);
    }
    return f;
  }

  private static void write(Path f, String format, String at, String length) {
    Tools.ok("qemu-io", "-f", format, "-c", "write -q -P 0x5a " + at + " " + length, f.toString());
  }

  private static DiskInfo matchesQemu(Path f, String name, String qemuFormat) throws IOException {
    DiskInfo info = Images.check(f, name);
    Tools.QemuInfo q = Tools.qemuInfo(f);
    assertThat(q.format()).isEqualTo(qemuFormat);
    assertThat(info.virtualSize()).as("virtual size of " + f.getFileName() + " vs " + q.json())
        .isEqualTo(q.virtualSize());
    assertThat(info.format()).isEqualTo(name);
    return info;
  }

  @ParameterizedTest(name = "qcow2 {0} {1}")
  @CsvSource(delimiter = ';', value = {
    "compat=1.1; 1G",
    "compat=0.10; 1G",
    "cluster_size=512; 100000256",
    "cluster_size=2M; 5G",
    "compat=1.1,lazy_refcounts=on,refcount_bits=1; 64M",
    "refcount_bits=64; 64M",
    "extended_l2=on,cluster_size=128k,compression_type=zstd; 3G",
    "compat=1.1; 1000001",
    "compat=1.1; 0",
    "preallocation=metadata; 20M",
  })
  void qcow2(String options, String size) throws IOException {
    Path f = qemu("q.qcow2", "qcow2", options, size);
    if (!size.equals("0")) {
      write(f, "qcow2", "0", "64k");
    }
    DiskInfo info = matchesQemu(f, "qcow2", "qcow2");
    assertThat(info.safety()).isEmpty();
    assertThat(info.details()).containsEntry("compat", options.contains("0.10") ? "0.10" : "1.1");
  }

  @Test
  void qcow2WithBackingFileIsUnsafe() throws IOException {
    Path base = qemu("base.qcow2", "qcow2", "", "64M");
    Path child = dir.resolve("child.qcow2");
    Tools.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2",
        child.toString());
    DiskInfo info = matchesQemu(child, "qcow2", "qcow2");
    assertThat(info.safety()).extracting(SafetyFinding::check).containsExactly("parent_reference");
    assertThat(info.details()).containsEntry("backing_file", base.toString())
        .containsEntry("backing_format", "qcow2");
    Path v2child = dir.resolve("child2.qcow2");
    Tools.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "compat=0.10", "-b",
        base.toString(), "-F", "qcow2", v2child.toString());
    assertThat(matchesQemu(v2child, "qcow2", "qcow2").safety())
        .extracting(SafetyFinding::check).containsExactly("parent_reference");
  }

  @ParameterizedTest(name = "qcow2 {0}")
  @CsvSource({"data_file=DATA", "'data_file=DATA,data_file_raw=on'"})
  void qcow2WithExternalDataFileIsUnsafe(String options) throws IOException {
    Path data = dir.resolve("d.raw");
    Path f = qemu("d.qcow2", "qcow2", options.replace("DATA", data.toString()), "64M");
    DiskInfo info = matchesQemu(f, "qcow2", "qcow2");
    assertThat(info.safety()).extracting(SafetyFinding::check).containsExactly("external_data_file");
    assertThat(info.details()).containsEntry("data_file", data.toString());
  }

  @Test
  void encryptedQcow2IsUnsafe() throws IOException {
    Path f = dir.resolve("e.qcow2");
    Tools.ok("qemu-img", "create", "-q", "-f", "qcow2", "--object", "secret,id=s,data=pw", "-o",
        "encrypt.format=luks,encrypt.key-secret=s,encrypt.iter-time=250", f.toString(), "16M");
    DiskInfo info = matchesQemu(f, "qcow2", "qcow2");
    assertThat(info.safety()).extracting(SafetyFinding::check).containsExactly("encryption");
    assertThat(info.details()).containsEntry("encrypt_format", "luks");
  }

  @ParameterizedTest(name = "vmdk {0}")
  @CsvSource({"monolithicSparse, 100M", "monolithicSparse, 3G", "streamOptimized, 64M"})
  void vmdkSparse(String subformat, String size) throws IOException {
    Path f;
    if (subformat.equals("streamOptimized")) {
      Path src = qemu("src.qcow2", "qcow2", "", size);
      write(src, "qcow2", "1M", "3M");
      f = dir.resolve("s.vmdk");
      Tools.ok("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized",
          src.toString(), f.toString());
    } else {
      f = qemu("m.vmdk", "vmdk", "subformat=" + subformat, size);
      write(f, "vmdk", "0", "1M");
    }
    DiskInfo info = matchesQemu(f, "vmdk", "vmdk");
    assertThat(info.safety()).isEmpty();
    assertThat(info.details()).containsEntry("create_type", subformat)
        .containsEntry("subformat", subformat)
        .containsEntry("footer", false);
  }

  /** VMware writes streamOptimized files with the grain directory at the end, after a footer. */
  @Test
  void vmdkStreamOptimizedWithFooter() throws IOException {
    Path src = qemu("src.qcow2", "qcow2", "", "64M");
    write(src, "qcow2", "1M", "3M");
    Path f = dir.resolve("s.vmdk");
    Tools.ok("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized",
        src.toString(), f.toString());
    byte[] header = Files.readAllBytes(f);
    java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(1536)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    tail.putLong(0, 1).putInt(12, 3); // footer marker
    tail.put(512, header, 0, 512); // the footer: the header as it is, with the real directory
    Files.write(f, tail.array(), java.nio.file.StandardOpenOption.APPEND);
    java.nio.ByteBuffer gd = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(0, -1);
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(gd, 56);
    }
    DiskInfo info = matchesQemu(f, "vmdk", "vmdk");
    assertThat(info.safety()).isEmpty();
    assertThat(info.details()).containsEntry("footer", true)
        .containsEntry("subformat", "streamOptimized");
    assertThat(info.virtualSize()).isEqualTo(64L << 20);
  }

  @ParameterizedTest(name = "vmdk {0}")
  @CsvSource({"monolithicFlat, 64M", "twoGbMaxExtentSparse, 3G", "twoGbMaxExtentFlat, 100M"})
  void vmdkDescriptorsNameOtherFiles(String subformat, String size) throws IOException {
    Path f = qemu("d.vmdk", "vmdk", "subformat=" + subformat, size);
    DiskInfo info = matchesQemu(f, "vmdk", "vmdk");
    assertThat(info.safety()).extracting(SafetyFinding::check).containsExactly("external_extent");
    assertThat(info.details()).containsEntry("create_type", subformat);
  }

  @Test
  void vmdkWithParentIsUnsafe() throws IOException {
    Path base = qemu("base.vmdk", "vmdk", "", "64M");
    Path child = dir.resolve("child.vmdk");
    Tools.ok("qemu-img", "create", "-q", "-f", "vmdk", "-b", base.toString(), "-F", "vmdk",
        child.toString());
    DiskInfo info = matchesQemu(child, "vmdk", "vmdk");
    assertThat(info.safety()).extracting(SafetyFinding::check).contains("parent_reference");
  }

  @ParameterizedTest(name = "vdi {0} {1}")
  @CsvSource({"static=off, 100M", "static=on, 20M", "static=off, 1000001", "static=off, 0"})
  void vdi(String options, String size) throws IOException {
    Path f = qemu("v.vdi", "vdi", options, size);
    if (!size.equals("0")) {
      write(f, "vdi", "0", "4k");
    }
    DiskInfo info = matchesQemu(f, "vdi", "vdi");
    assertThat(info.safety()).isEmpty();
    assertThat(info.details()).containsEntry("type",
        options.equals("static=on") ? "static" : "dynamic");
  }

  @Test
  void luks1VirtualSizeIsThePayload() throws IOException {
    Path f = dir.resolve("l.luks");
    Tools.ok("qemu-img", "create", "-q", "-f", "luks", "--object", "secret,id=s,data=pw", "-o",
        "key-secret=s,iter-time=250", f.toString(), "10M");
    DiskInfo info = matchesQemu(f, "luks", "luks");
    assertThat(info.safety()).isEmpty();
    assertThat(info.details()).containsEntry("version", 1).containsEntry("active_key_slots", 1);
    assertThat(info.virtualSize()).isEqualTo(10L << 20);
  }

  @Test
  void luks2AsCryptsetupSeesIt() throws IOException {
    Tools.require("cryptsetup", "cryptsetup-bin");
    Path f = dir.resolve("l2.img");
    Tools.ok("truncate", "-s", "40M", f.toString());
    Path key = Files.writeString(dir.resolve("key"), "secret");
    Tools.ok("cryptsetup", "luksFormat", "-q", "--type", "luks2", "--pbkdf", "pbkdf2",
        "--pbkdf-force-iterations", "1000", "--key-file", key.toString(), f.toString());
    DiskInfo info = Images.check(f, "luks");
    String dump = Tools.ok("cryptsetup", "luksDump", f.toString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("offset:\\s+(\\d+) \\[bytes\\]")
        .matcher(dump.substring(dump.indexOf("Data segments:")));
    assertThat(m.find()).as(dump).isTrue();
    long offset = Long.parseLong(m.group(1));
    assertThat(info.virtualSize()).isEqualTo(Files.size(f) - offset);
    assertThat(info.details()).containsEntry("version", 2).containsEntry("active_key_slots", 1)
        .containsEntry("payload_offset", offset);
    assertThat(info.safety()).isEmpty();
    // qemu 7.2 has no LUKS2 driver: it sees raw data.
    assertThat(Tools.qemuInfo(f).format()).isEqualTo("raw");
  }

  @Test
  @SuppressWarnings("unchecked")
  void isoIsRawToQemuAndSafe() throws IOException {
    Tools.require("xorriso", "xorriso");
    Path tree = Files.createDirectories(dir.resolve("tree/boot"));
    Files.writeString(tree.resolve("hello.txt"), "hello\n".repeat(5000));
    Path iso = dir.resolve("a.iso");
    Tools.ok("xorriso", "-as", "mkisofs", "-quiet", "-J", "-R", "-V", "STOWAGE_TEST", "-o",
        iso.toString(), dir.resolve("tree").toString());
    DiskInfo info = matchesQemu(iso, "iso", "raw");
    assertThat(info.safety()).isEmpty();
    assertThat(info.details()).containsEntry("volume_id", "STOWAGE_TEST")
        .containsEntry("volume_size", Files.size(iso))
        .doesNotContainKey("partition_table");
    assertThat((java.util.List<Object>) info.details().get("filesystems")).contains("iso9660", "joliet");
  }

  @Test
  void hybridIsoWithAnMbrIsStillAnIso() throws IOException {
    Tools.require("xorriso", "xorriso");
    Tools.require("sfdisk", "fdisk");
    Files.createDirectories(dir.resolve("tree"));
    Files.writeString(dir.resolve("tree/x"), "x");
    Path iso = dir.resolve("h.iso");
    Tools.ok("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(),
        dir.resolve("tree").toString());
    Tools.sh("printf 'label: dos\\nstart=0, type=17, bootable\\n' | sfdisk -q --no-reread "
        + iso + " 2>&1 || printf 'label: dos\\n,,17,*\\n' | sfdisk -q --no-reread " + iso);
    // the partition table makes it a raw disk too; the host prefers the container format
    assertThat(Images.claimants(iso)).contains("iso");
    DiskInfo info = Images.inspect(new IsoFormat(), iso);
    assertThat(info.details()).containsEntry("partition_table", "mbr");
    assertThat(info.virtualSize()).isEqualTo(Tools.qemuInfo(iso).virtualSize());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"gpt", "dos"})
  void partitionedRawDisks(String label) throws IOException {
    Tools.require("sfdisk", "fdisk");
    Path f = dir.resolve("disk.raw");
    Tools.ok("truncate", "-s", "64M", f.toString());
    Tools.sh("printf 'label: " + label + "\\n,10M,L\\n,20M,L\\n,,L\\n' | sfdisk -q --no-reread "
        + f);
    DiskInfo info = matchesQemu(f, "raw", "raw");
    assertThat(info.safety()).isEmpty();
    assertThat(info.details()).containsEntry("partition_table", label.equals("dos") ? "mbr" : "gpt")
        .containsEntry("partitions", 3);
    if (label.equals("gpt")) {
      assertThat(info.details()).containsEntry("sector_size", 512);
    }
  }
}
