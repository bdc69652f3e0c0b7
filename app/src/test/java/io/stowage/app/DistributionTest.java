package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin jars the reactor builds, as the distribution ships them: each is a proper PF4J jar
 * without the host's libraries inside, each starts, and the filesystem store round-trips bytes
 * with checksums equal to md5sum's and sha512sum's.
 */
class DistributionTest {
  static final Path PLUGINS = Path.of(System.getProperty("stowage.test.plugins", "target/stowage/plugins"));

  @TempDir static Path home;
  static Path config;
  static List<Path> jars;

  @BeforeAll
  static void setUp() throws IOException {
    assumeTrue(Files.isDirectory(PLUGINS), "no plugins built in " + PLUGINS + " (run mvn verify)");
    try (Stream<Path> s = Files.list(PLUGINS)) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadir: data/images }
        """.formatted(PLUGINS.toAbsolutePath()));
  }

  @Test
  void everyShippedJarIsAPluginWithoutTheHostsLibraries() throws IOException {
    assertThat(jars).extracting(p -> p.getFileName().toString())
        .anyMatch(n -> n.startsWith("store-filesystem-"))
        .anyMatch(n -> n.startsWith("hyperv-vhdx-"));
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        var manifest = file.getManifest().getMainAttributes();
        assertThat(manifest.getValue("Plugin-Id")).as(jar.toString()).isNotBlank();
        assertThat(manifest.getValue("Plugin-Requires")).as(jar.toString()).isEqualTo(">=0.1.0 & <1.0.0");
        assertThat(file.getEntry("META-INF/extensions.idx")).as(jar + " extensions.idx").isNotNull();
        assertThat(file.stream().map(e -> e.getName())).as(jar + " bundles host classes")
            .noneMatch(n -> n.startsWith("io/stowage/api/") || n.startsWith("org/pf4j/")
                || n.startsWith("org/slf4j/") || n.startsWith("com/fasterxml/") || n.startsWith("com/google/"));
      }
    }
  }

  @Test
  void everyShippedPluginStartsWithItsExtensions() {
    CliRun run = CliRun.run(config, "plugins", "--json");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    JsonNode list = run.json();
    assertThat(list).hasSize(jars.size());
    for (JsonNode p : list) {
      assertThat(p.get("state").asText()).as(p.toString()).isEqualTo("started");
      assertThat(p.get("extensions")).as(p.toString()).isNotEmpty();
    }
  }

  @Test
  void putThenGetIsIdenticalAndChecksumsMatchCoreutils() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 11];
    new Random(3).nextBytes(data);
    Path in = Files.write(home.resolve("image.bin"), data);
    CliRun put = CliRun.run(config, "put", in.toString(), "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    JsonNode r = put.json();
    assertThat(r.get("location").asText()).startsWith("file://").endsWith("/data/images/" + r.get("location").asText().replaceAll(".*/", ""));
    assertThat(r.get("checksum").asText()).isEqualTo(coreutils("md5sum", in));
    assertThat(r.get("multihash").get("value").asText()).isEqualTo(coreutils("sha512sum", in));

    Path out = home.resolve("copy.bin");
    CliRun get = CliRun.run(config, "get", r.get("location").asText(), "-o", out.toString());
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(data);
  }

  private static String coreutils(String tool, Path file) throws Exception {
    Process p = new ProcessBuilder(tool, file.toString()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
  }

  @Test
  void putReportsProgressOnStderrWhenAsked() throws IOException {
    byte[] data = new byte[5 * 1024 * 1024];
    new Random(5).nextBytes(data);
    Path in = Files.write(home.resolve("progress.bin"), data);
    CliRun put = CliRun.run(config, "put", in.toString(), "--progress");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    assertThat(put.stderr()).startsWith("\rstored ").endsWith("\rstored 5242880 of 5242880 bytes (100%)\n");
    assertThat(put.stderr().chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }
}
