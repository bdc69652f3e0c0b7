package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped disk-formats plugin (its jar loaded from the distribution's plugins folder) behind
 * {@code stowage inspect} and {@code stowage put}: each format is recognised with qemu-img's
 * virtual size; unsafe images are refused on the way in and nothing is stored; partitioned raw
 * disks are raw; an ISO hybrid is an ISO; a fixed VHD of a partitioned disk stays a VHD.
 */
class DiskFormatsInHostTest {
  @TempDir static Path home;
  static Path config;

  @BeforeAll
  static void setUp() throws IOException {
    assumeTrue(Files.isDirectory(DistributionTest.PLUGINS), "no plugins built (run mvn verify)");
    for (String tool : new String[] {"qemu-img", "xorriso", "sfdisk"}) {
      boolean found = Stream.of((System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin")
          .split(":")).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
      if (!found && System.getenv("CI") != null) {
        throw new AssertionError(tool + " is not installed; CI must have it (.ci/run)");
      }
      assumeTrue(found, tool + " is not installed (qemu-utils, xorriso, fdisk); skipped");
    }
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadir: data }
        """.formatted(DistributionTest.PLUGINS.toAbsolutePath()));
  }

  static String run(String... command) throws Exception {
    for (int attempt = 0; ; attempt++) {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      // qemu-img times its LUKS key derivation by CPU time and gives up on a busy machine:
      // making the test image again is all it needs.
      if (p.exitValue() != 0 && out.contains("Unable to get accurate CPU usage") && attempt < 10) {
        continue;
      }
      assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
      return out;
    }
  }

  static JsonNode qemu(Path image) throws Exception {
    return new ObjectMapper().readTree(run("qemu-img", "info", "--output=json", image.toString()));
  }

  static JsonNode inspect(Path image) {
    CliRun r = CliRun.run(config, "inspect", image.toString(), "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.json();
  }

  Path image(String name, String format, String size, String... options) throws Exception {
    Path f = home.resolve(name);
    String[] cmd = Stream.concat(Stream.of("qemu-img", "create", "-q", "-f", format),
        Stream.concat(Stream.of(options), Stream.of(f.toString(), size))).toArray(String[]::new);
    run(cmd);
    return f;
  }

  @Test
  void inspectRecognisesEveryFormatWithQemusVirtualSize() throws Exception {
    Path tree = Files.createDirectories(home.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "a");
    Path iso = home.resolve("a.iso");
    run("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), tree.toString());
    Path gpt = home.resolve("gpt.raw");
    run("truncate", "-s", "32M", gpt.toString());
    run("sh", "-c", "printf 'label: gpt\\n,8M\\n,\\n' | sfdisk -q --no-reread " + gpt);
    Object[][] cases = {
      {image("a.qcow2", "qcow2", "1G"), "qcow2"},
      {image("b.qcow2", "qcow2", "100M", "-o", "compat=0.10"), "qcow2"},
      {image("a.vmdk", "vmdk", "200M"), "vmdk"},
      {image("a.vdi", "vdi", "300M"), "vdi"},
      {image("a.luks", "luks", "10M", "--object", "secret,id=s,data=pw", "-o",
          "key-secret=s,iter-time=250"), "luks"},
      {iso, "iso"},
      {gpt, "raw"},
    };
    for (Object[] c : cases) {
      Path f = (Path) c[0];
      JsonNode ours = inspect(f);
      assertThat(ours.get("format").asText()).as(f.toString()).isEqualTo(c[1]);
      assertThat(ours.get("virtual_size").asLong()).as(f.toString())
          .isEqualTo(qemu(f).get("virtual-size").asLong());
      assertThat(ours.get("safety")).as(f.toString()).isEmpty();
    }
    assertThat(inspect(gpt).get("details").get("partition_table").asText()).isEqualTo("gpt");
  }

  @Test
  void putStoresSafeImagesAndRefusesUnsafeOnes() throws Exception {
    Path base = image("base.qcow2", "qcow2", "64M");
    JsonNode stored = CliRun.run(config, "put", base.toString(), "--json").json();
    assertThat(stored.get("format").asText()).isEqualTo("qcow2");
    assertThat(stored.get("virtual_size").asLong()).isEqualTo(64L << 20);

    Path child = home.resolve("child.qcow2");
    run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2",
        child.toString());
    Path data = home.resolve("data.raw");
    Path external = image("ext.qcow2", "qcow2", "64M", "-o", "data_file=" + data);
    Path flat = image("flat.vmdk", "vmdk", "64M", "-o", "subformat=monolithicFlat");
    for (Object[] c : new Object[][] {{child, "parent_reference"}, {external, "external_data_file"},
        {flat, "external_extent"}}) {
      CliRun refused = CliRun.run(config, "put", c[0].toString(), "--id", "refused");
      assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(1);
      assertThat(refused.stderr()).contains("is unsafe (" + c[1] + ":")
          .contains("nothing was stored").doesNotContain("Exception");
      assertThat(home.resolve("data/refused")).doesNotExist();
    }
  }

  @Test
  void partitionTablesYieldToContainerFormats() throws Exception {
    // An ISO hybrid: an MBR in the ISO's system area.
    Path tree = Files.createDirectories(home.resolve("tree2"));
    Files.writeString(tree.resolve("b.txt"), "b");
    Path iso = home.resolve("h.iso");
    run("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), tree.toString());
    run("sh", "-c", "printf 'label: dos\\n,,17,*\\n' | sfdisk -q --no-reread " + iso);
    JsonNode hybrid = inspect(iso);
    assertThat(hybrid.get("format").asText()).isEqualTo("iso");
    assertThat(hybrid.get("details").get("partition_table").asText()).isEqualTo("mbr");
    CliRun put = CliRun.run(config, "put", iso.toString(), "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    assertThat(put.json().get("format").asText()).isEqualTo("iso");

    // A fixed VHD of a partitioned disk starts with the disk's MBR: its footer decides.
    Path disk = home.resolve("mbr.raw");
    run("truncate", "-s", "16M", disk.toString());
    run("sh", "-c", "printf 'label: dos\\n,4M\\n,\\n' | sfdisk -q --no-reread " + disk);
    assertThat(inspect(disk).get("format").asText()).isEqualTo("raw");
    Path vhd = home.resolve("fixed.vhd");
    run("qemu-img", "convert", "-O", "vpc", "-o", "subformat=fixed", disk.toString(),
        vhd.toString());
    assertThat(inspect(vhd).get("format").asText()).isEqualTo("vpc");
    CliRun putVhd = CliRun.run(config, "put", vhd.toString(), "--json");
    assertThat(putVhd.exitCode()).as(putVhd.stderr()).isZero();
    assertThat(putVhd.json().get("format").asText()).isEqualTo("vpc");
    CliRun putRaw = CliRun.run(config, "put", disk.toString(), "--json");
    assertThat(putRaw.exitCode()).as(putRaw.stderr()).isZero();
    assertThat(putRaw.json().get("format").asText()).isEqualTo("raw");
    assertThat(putRaw.json().get("virtual_size").asLong()).isEqualTo(16L << 20);
  }
}
