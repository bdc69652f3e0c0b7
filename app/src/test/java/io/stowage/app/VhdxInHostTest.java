package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.tck.RequiredTools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped hyperv-vhdx plugin used through the host's commands, with qemu-img as the oracle:
 * put inspects uploads, inspect reports, disk create/convert agree with qemu.
 */
class VhdxInHostTest {
  @TempDir static Path home;
  static Path config;

  @BeforeAll
  static void setUp() throws IOException {
    assumeTrue(Files.isDirectory(DistributionTest.PLUGINS), "no plugins built (run mvn verify)");
    RequiredTools.require("qemu-img", "apt-get install qemu-utils");
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadir: data }
        """.formatted(DistributionTest.PLUGINS.toAbsolutePath()));
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  static long qemuVirtualSize(Path image) throws Exception {
    // qemu cannot probe a fixed VHD (it passes for raw), so name the format.
    String format = image.toString().endsWith(".vhd") ? "vpc" : "vhdx";
    return new ObjectMapper().readTree(run("qemu-img", "info", "-f", format, "--output=json",
        image.toString())).get("virtual-size").asLong();
  }

  @Test
  void putInspectsAQemuMadeVhdxOnItsWay() throws Exception {
    Path image = home.resolve("qemu.vhdx");
    run("qemu-img", "create", "-q", "-f", "vhdx", image.toString(), "3G");
    run("qemu-io", "-c", "write -q -P 0xab 1M 3M", image.toString());
    CliRun put = CliRun.run(config, "put", image.toString(), "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    JsonNode r = put.json();
    assertThat(r.get("format").asText()).isEqualTo("vhdx");
    assertThat(r.get("virtual_size").asLong()).isEqualTo(qemuVirtualSize(image)).isEqualTo(3L << 30);

    JsonNode info = CliRun.run(config, "inspect", image.toString(), "--json").json();
    assertThat(info.get("format").asText()).isEqualTo("vhdx");
    assertThat(info.get("details").get("type").asText()).isEqualTo("dynamic");
    assertThat(info.get("safety")).isEmpty();
  }

  @Test
  void createdDisksPassQemuCheckAndConvertLikeQemu() throws Exception {
    Path disk = home.resolve("made.vhdx");
    CliRun create = CliRun.run(config, "disk", "create", "--size", "200MiB", "--block-size", "1MiB", disk.toString());
    assertThat(create.exitCode()).as(create.stderr()).isZero();
    run("qemu-img", "check", disk.toString());
    assertThat(qemuVirtualSize(disk)).isEqualTo(200L << 20);
    run("qemu-io", "-c", "write -q -P 0x5c 7M 2M", "-c", "write -q -P 0x11 150M 512", disk.toString());

    Path ours = home.resolve("ours.raw");
    Path theirs = home.resolve("theirs.raw");
    CliRun convert = CliRun.run(config, "disk", "convert", "--to", "raw", disk.toString(), ours.toString());
    assertThat(convert.exitCode()).as(convert.stderr()).isZero();
    run("qemu-img", "convert", "-O", "raw", disk.toString(), theirs.toString());
    assertThat(Files.mismatch(ours, theirs)).isEqualTo(-1);
  }

  @Test
  void differencingDisksAreRefusedOnUploadUnlessAllowed() throws Exception {
    Path parent = home.resolve("parent.vhdx");
    Path child = home.resolve("child.vhdx");
    assertThat(CliRun.run(config, "disk", "create", "--size", "64MiB", parent.toString()).exitCode()).isZero();
    CliRun diff = CliRun.run(config, "disk", "create", "--parent", parent.toString(), child.toString());
    assertThat(diff.exitCode()).as(diff.stderr()).isZero();

    List<String> before;
    try (Stream<Path> s = Files.list(Files.createDirectories(home.resolve("data")))) {
      before = s.map(Path::toString).toList();
    }
    CliRun refused = CliRun.run(config, "put", child.toString(), "--id", "child");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr()).startsWith("stowage: the vhdx image is unsafe (parent_reference: ");
    assertThat(home.resolve("data/child")).doesNotExist();
    try (Stream<Path> s = Files.list(home.resolve("data"))) {
      assertThat(s.map(Path::toString).toList()).isEqualTo(before);
    }
    CliRun allowed = CliRun.run(config, "put", child.toString(), "--id", "child", "--allow-unsafe", "--json");
    assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
    assertThat(allowed.json().get("safety").get(0).get("check").asText()).isEqualTo("parent_reference");
  }

  @Test
  void aDamagedVhdxIsReportedAndRefused() throws Exception {
    Path image = home.resolve("damaged.vhdx");
    run("qemu-img", "create", "-q", "-f", "vhdx", image.toString(), "1G");
    byte[] bytes = Files.readAllBytes(image);
    for (int at : new int[] {64 * 1024 + 100, 128 * 1024 + 100}) {
      bytes[at] ^= 0x5a; // both headers' checksums now fail
    }
    Files.write(image, bytes);
    JsonNode info = CliRun.run(config, "inspect", image.toString(), "--json").json();
    assertThat(info.get("format").asText()).isEqualTo("vhdx");
    assertThat(info.get("safety").get(0).get("check").asText()).isEqualTo("corruption");
    CliRun put = CliRun.run(config, "put", image.toString());
    assertThat(put.exitCode()).isEqualTo(1);
    assertThat(put.stderr()).startsWith("stowage: the vhdx image is unsafe (corruption: ").doesNotContain("\tat ");
  }

  /**
   * inspect reports damage (exit 0, format, virtual_size null, a corruption finding); convert
   * and resize refuse it with exit 1 and the finding's reason as their one line, and leave
   * nothing behind.
   */
  @Test
  void damageIsOneReasonEverywhere() throws Exception {
    Path image = home.resolve("cut.vhdx");
    run("qemu-img", "create", "-q", "-f", "vhdx", "-o", "block_size=1M", image.toString(), "64M");
    run("qemu-io", "-f", "vhdx", "-c", "write -q -P 0x42 0 8M", image.toString());
    try (var ch = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - (3 << 20)); // the last blocks are cut off
    }
    CliRun inspect = CliRun.run(config, "inspect", image.toString(), "--json");
    assertThat(inspect.exitCode()).isZero();
    JsonNode info = inspect.json();
    assertThat(info.get("format").asText()).isEqualTo("vhdx");
    assertThat(info.get("virtual_size").isNull()).isTrue();
    assertThat(info.get("safety")).hasSize(1);
    assertThat(info.get("safety").get(0).get("check").asText()).isEqualTo("corruption");
    String reason = info.get("safety").get(0).get("message").asText();
    assertThat(reason).contains("past the end of the file");

    Path out = home.resolve("cut.raw");
    CliRun convert = CliRun.run(config, "disk", "convert", "--to", "raw", image.toString(), out.toString());
    assertThat(convert.exitCode()).isEqualTo(1);
    assertThat(convert.stderr()).isEqualTo("stowage: " + reason + System.lineSeparator());
    assertThat(out).doesNotExist();
    try (Stream<Path> left = Files.list(home)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".cut.raw"));
    }
    byte[] before = Files.readAllBytes(image);
    CliRun resize = CliRun.run(config, "disk", "resize", "--size", "128MiB", image.toString());
    assertThat(resize.exitCode()).isEqualTo(1);
    assertThat(resize.stderr()).isEqualTo("stowage: " + reason + System.lineSeparator());
    assertThat(Files.readAllBytes(image)).isEqualTo(before);
  }

  /** qemu-img's fixed files whose last block is only partly in the file read as qemu reads them. */
  @Test
  void fixedVhdxEndingInsideItsLastBlock() throws Exception {
    Path image = home.resolve("partial-last-block.vhdx");
    run("qemu-img", "create", "-q", "-f", "vhdx", "-o", "subformat=fixed,block_size=8M,block_state_zero=off",
        image.toString(), "20M");
    run("qemu-io", "-f", "vhdx", "-c", "write -q -P 0xab 20447232 524288", image.toString());
    JsonNode info = CliRun.run(config, "inspect", image.toString(), "--json").json();
    assertThat(info.get("virtual_size").asLong()).isEqualTo(20L << 20);
    assertThat(info.get("safety")).isEmpty();
    Path ours = home.resolve("partial-last-block.raw");
    Path theirs = home.resolve("partial-last-block.qemu.raw");
    CliRun convert = CliRun.run(config, "disk", "convert", "--to", "raw", image.toString(), ours.toString());
    assertThat(convert.exitCode()).as(convert.stderr()).isZero();
    run("qemu-img", "convert", "-O", "raw", image.toString(), theirs.toString());
    assertThat(Files.mismatch(ours, theirs)).isEqualTo(-1);
  }

  /** disk create --format vpc makes VHD files qemu-img and vhdiinfo read at the same size. */
  @Test
  void createsVhdFilesTheOraclesRead() throws Exception {
    for (String kind : new String[] {"fixed", "dynamic"}) {
      Path image = home.resolve("made-" + kind + ".vhd");
      List<String> args = new java.util.ArrayList<>(List.of("disk", "create", "--format", "vpc",
          "--size", "100000000", "--json"));
      if (kind.equals("fixed")) {
        args.add("--fixed");
      }
      args.add(image.toString());
      CliRun create = CliRun.run(config, args.toArray(String[]::new));
      assertThat(create.exitCode()).as(create.stderr()).isZero();
      long size = create.json().get("virtual_size").asLong();
      assertThat(size).isBetween(100_000_000L, 100_000_000L + (1 << 20));
      assertThat(qemuVirtualSize(image)).isEqualTo(size);
      assertThat(run("vhdiinfo", image.toString())).contains("(" + size + " bytes)")
          .contains(kind.equals("fixed") ? "Fixed" : "Dynamic");
      run("qemu-io", "-f", "vpc", "-c", "write -q -P 0x42 1M 3M", image.toString());
      Path ours = home.resolve(kind + "-made.raw");
      Path theirs = home.resolve(kind + "-made.qemu.raw");
      assertThat(CliRun.run(config, "disk", "convert", "--to", "raw", image.toString(), ours.toString()).exitCode()).isZero();
      run("qemu-img", "convert", "-f", "vpc", "-O", "raw", image.toString(), theirs.toString());
      assertThat(Files.mismatch(ours, theirs)).isEqualTo(-1);
    }
  }

  @Test
  void legacyVhdIsRecognisedByTheFooterAtTheStartOrOnlyAtTheEnd() throws Exception {
    for (String subformat : new String[] {"fixed", "dynamic"}) {
      Path image = home.resolve(subformat + ".vhd");
      run("qemu-img", "create", "-q", "-f", "vpc", "-o", "subformat=" + subformat, image.toString(), "100M");
      run("qemu-io", "-f", "vpc", "-c", "write -q -P 0x42 2M 1M", image.toString());
      long expected = qemuVirtualSize(image);

      JsonNode info = CliRun.run(config, "inspect", image.toString(), "--json").json();
      assertThat(info.get("format").asText()).as(subformat).isEqualTo("vpc");
      assertThat(info.get("virtual_size").asLong()).as(subformat).isEqualTo(expected);
      assertThat(info.get("details").get("type").asText()).isEqualTo(subformat);

      CliRun put = CliRun.run(config, "put", image.toString(), "--json");
      assertThat(put.exitCode()).as(put.stderr()).isZero();
      assertThat(put.json().get("format").asText()).as(subformat).isEqualTo("vpc");
      assertThat(put.json().get("virtual_size").asLong()).as(subformat).isEqualTo(expected);

      Path ours = home.resolve(subformat + ".raw");
      Path theirs = home.resolve(subformat + ".qemu.raw");
      assertThat(CliRun.run(config, "disk", "convert", "--to", "raw", image.toString(), ours.toString()).exitCode()).isZero();
      run("qemu-img", "convert", "-f", "vpc", "-O", "raw", image.toString(), theirs.toString());
      assertThat(Files.mismatch(ours, theirs)).as(subformat).isEqualTo(-1);
    }
  }
}
