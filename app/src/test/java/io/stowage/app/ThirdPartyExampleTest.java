package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third-party path: {@code examples/gzip-store} is built as its author would build it (its
 * own Maven project against the published store-api and store-tck, running store-tck), its jar is
 * dropped into a plugins folder, and the host lists it and routes to it.
 *
 * <p>Needs the reactor's artifacts installed in the local Maven repository, which the README's
 * test command ({@code mvn install}) does before this module's tests run.
 */
class ThirdPartyExampleTest {
  @TempDir static Path work;
  static Path config;
  static String buildLog;

  @BeforeAll
  static void buildTheExample() throws Exception {
    Path repo = Path.of(System.getProperty("stowage.test.repo", "..")).toAbsolutePath().normalize();
    Path source = repo.resolve("examples/gzip-store");
    assumeTrue(Files.isDirectory(source), "examples/gzip-store not found from " + repo);
    assumeTrue(onPath("mvn"), "mvn is not on the PATH; cannot build the example as a third party would");
    Path project = work.resolve("gzip-store");
    copyTree(source, project);
    Path log = work.resolve("build.log");
    Process build = new ProcessBuilder("mvn", "-B", "-q", "-f", project.resolve("pom.xml").toString(), "package")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(build.waitFor(10, TimeUnit.MINUTES)).as("example build finished").isTrue();
    buildLog = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(build.exitValue()).as("example build (with its store-tck run) failed:\n" + buildLog).isZero();

    Path plugins = Files.createDirectories(work.resolve("plugins"));
    Files.copy(project.resolve("target/gzip-store-1.0.0.jar"), plugins.resolve("gzip-store-1.0.0.jar"));
    config = Files.writeString(work.resolve("stowage.yaml"), """
        plugins: { dir: plugins }
        default_store: packed
        stores:
          packed: { type: gzip, dir: data/packed, level: 1 }
          archive: { type: gzip, dir: data/archive }
          small: { type: gzip, dir: data/small, level: 1 }
        """);
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.filter(p -> !from.relativize(p).startsWith("target")).toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  @Test
  void theExampleRanStoreTckInItsOwnBuild() throws IOException {
    Path reports = work.resolve("gzip-store/target/surefire-reports");
    try (Stream<Path> files = Files.list(reports)) {
      List<Path> xml = files.filter(p -> p.toString().endsWith(".xml")).toList();
      assertThat(xml).isNotEmpty();
      String report = Files.readString(xml.get(0));
      assertThat(report).contains("GzipStoreContractTest").contains("failures=\"0\"").contains("errors=\"0\"");
      assertThat(report).doesNotContain("tests=\"0\"");
    }
  }

  @Test
  void theHostListsTheBackendAndRoutesToIt() throws IOException {
    JsonNode plugins = CliRun.run(config, "plugins", "--json").json();
    assertThat(plugins).hasSize(1);
    assertThat(plugins.get(0).get("id").asText()).isEqualTo("gzip-store");
    assertThat(plugins.get(0).get("state").asText()).isEqualTo("started");

    JsonNode stores = CliRun.run(config, "stores", "--json").json();
    assertThat(stores.get(0).get("schemes").toString()).isEqualTo("[\"gzfile\"]");
    assertThat(stores.get(1).get("available").asBoolean()).isTrue();

    byte[] data = new byte[2_000_003];
    new Random(7).nextBytes(data);
    Path in = Files.write(work.resolve("in.img"), data);
    CliRun put = CliRun.run(config, "put", in.toString(), "--store", "archive", "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    String location = put.json().get("location").asText();
    assertThat(location).startsWith("gzfile://archive/");

    Path out = work.resolve("out.img");
    CliRun get = CliRun.run(config, "get", location, "-o", out.toString());
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(data);
    assertThat(Files.list(work.resolve("data/archive")).count()).isEqualTo(1);
    assertThat(Files.exists(work.resolve("data/packed"))).isFalse();
  }

  /** The example classifies I/O failures with store-api's IoFailures: a full disk is reported as such. */
  @Test
  void aFullDiskIsStorageFullAndLeavesNothing() throws Exception {
    Path small = Files.createDirectories(work.resolve("data/small"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
        small.toString()).redirectErrorStream(true).start();
    String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here (needs root): " + why);
    try {
      byte[] data = new byte[3_000_000];
      new Random(11).nextBytes(data); // incompressible: more than the 1 MiB file system holds
      Path in = Files.write(work.resolve("big.img"), data);
      CliRun put = CliRun.run(config, "put", in.toString(), "--store", "small");
      assertThat(put.exitCode()).as("exit code of a put onto a full disk").isNotZero();
      assertThat(put.stderr()).contains("No space left on device").contains("storage full")
          .doesNotContain("Exception").doesNotContain("\tat ");
      try (Stream<Path> left = Files.list(small)) {
        assertThat(left.toList()).as("files left in the full store").isEmpty();
      }
    } finally {
      new ProcessBuilder("umount", "-l", small.toString()).start().waitFor();
    }
  }
}
