package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands killed with SIGKILL at seeded points, in a real child process: afterwards nothing
 * partial is visible under a final name, a retry succeeds and leaves nothing behind, and every
 * completed image reads back whole. Reproduce with {@code -Dstowage.kill.seed=N};
 * {@code -Dstowage.kill.points=N} sets the kill points per command.
 */
class KillTest {
  static final long SEED = Long.getLong("stowage.kill.seed", 20261130L);
  static final int POINTS = Integer.getInteger("stowage.kill.points", 20);
  static final Path PLUGINS = DistributionTest.PLUGINS.toAbsolutePath();

  @TempDir Path home;
  Path config;
  Path data;
  Random random;

  @BeforeEach
  void setUp(TestInfo test) throws IOException {
    assumeTrue(Files.isDirectory(PLUGINS), "no plugins built in " + PLUGINS + " (run mvn verify)");
    long seed = SEED ^ test.getDisplayName().hashCode();
    System.out.printf("kill: %s seed=%d (stowage.kill.seed=%d) points=%d%n",
        test.getDisplayName(), seed, SEED, POINTS);
    random = new Random(seed);
    data = home.resolve("data/images");
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        default_store: local
        stores:
          local: { type: filesystem, datadir: %s }
        """.formatted(PLUGINS, data));
  }

  @Test
  void putFromStandardInput() throws Exception {
    for (int point = 0; point < POINTS; point++) {
      byte[] image = new byte[(1 + random.nextInt(32)) << 20];
      random.nextBytes(image);
      String id = "kill-" + point;
      long killAfter = (long) (random.nextDouble() * image.length);
      Process put = child("put", "-", "--id", id, "--size", Long.toString(image.length));
      try (OutputStream in = put.getOutputStream()) {
        in.write(image, 0, (int) killAfter);
        in.flush();
        put.destroyForcibly();
      } catch (IOException closedEarly) {
        put.destroyForcibly();
      }
      assertThat(put.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(data.resolve(id)).as("no partial image under its final name").doesNotExist();

      Path file = Files.write(home.resolve("image"), image);
      CliRun retry = CliRun.run(config, "put", file.toString(), "--id", id, "--json");
      assertThat(retry.exitCode()).as("retry after a kill at byte " + killAfter + ": " + retry.stderr()).isZero();
      assertThat(Files.readAllBytes(data.resolve(id))).isEqualTo(image);
      assertThat(hidden(data)).as("nothing left behind after the retry").isEmpty();
    }
  }

  @Test
  void getToAFile() throws Exception {
    byte[] image = new byte[48 << 20];
    random.nextBytes(image);
    Path source = Files.write(home.resolve("image"), image);
    CliRun put = CliRun.run(config, "put", source.toString(), "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    String location = put.json().get("location").asText();
    Path out = Files.createDirectories(home.resolve("out")).resolve("copy.raw");
    killAtSeededPoints(out, () -> child("get", location, "-o", out.toString()),
        () -> CliRun.run(config, "get", location, "-o", out.toString()),
        () -> assertThat(Files.readAllBytes(out)).isEqualTo(image));
  }

  @Test
  void diskConvert() throws Exception {
    Path vhdx = home.resolve("disk.vhdx");
    CliRun create = CliRun.run(config, "disk", "create", "--fixed", "--size", "96MiB", vhdx.toString());
    assertThat(create.exitCode()).as(create.stderr()).isZero();
    Path out = Files.createDirectories(home.resolve("out")).resolve("disk.raw");
    killAtSeededPoints(out, () -> child("disk", "convert", "--to", "raw", vhdx.toString(), out.toString()),
        () -> CliRun.run(config, "disk", "convert", "--to", "raw", vhdx.toString(), out.toString()),
        () -> assertThat(Files.size(out)).isEqualTo(96L << 20));
  }

  @Test
  void diskCreateFixed() throws Exception {
    Path out = Files.createDirectories(home.resolve("out")).resolve("new.vhdx");
    killAtSeededPoints(out, () -> child("disk", "create", "--fixed", "--size", "128MiB", out.toString()),
        () -> CliRun.run(config, "disk", "create", "--fixed", "--size", "128MiB", out.toString()),
        () -> {
          CliRun inspect = CliRun.run(config, "inspect", "--json", out.toString());
          assertThat(inspect.exitCode()).as(inspect.stderr()).isZero();
          assertThat(inspect.json().get("virtual_size").asLong()).isEqualTo(128L << 20);
          assertThat(inspect.json().get("safety")).isEmpty();
        });
  }

  interface Start {
    Process start() throws IOException;
  }

  interface Retry {
    CliRun run();
  }

  interface Check {
    void check() throws Exception;
  }

  /**
   * Kills the command at seeded delays spread over one uninterrupted run's duration. After each
   * kill the output is absent or complete; a retry (after removing a complete output, as a user
   * would) succeeds and leaves only the output in its folder.
   */
  private void killAtSeededPoints(Path out, Start start, Retry retry, Check complete) throws Exception {
    long began = System.nanoTime();
    Process whole = start.start();
    assertThat(whole.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(whole.exitValue()).as(new String(whole.getErrorStream().readAllBytes())).isZero();
    long duration = System.nanoTime() - began;
    complete.check();
    Files.delete(out);
    for (int point = 0; point < POINTS; point++) {
      long delay = (long) (random.nextDouble() * duration);
      Process p = start.start();
      TimeUnit.NANOSECONDS.sleep(delay);
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (Files.exists(out)) {
        complete.check(); // finished before the kill: whole, never partial
        Files.delete(out);
      }
      CliRun again = retry.run();
      assertThat(again.exitCode()).as("retry after a kill at " + delay / 1_000_000 + " ms: " + again.stderr()).isZero();
      complete.check();
      assertThat(hidden(out.getParent())).as("nothing left behind after a kill at "
          + delay / 1_000_000 + " ms and a retry").isEmpty();
      Files.delete(out);
    }
  }

  private Process child(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.stowage.app.cli.Main"));
    command.addAll(List.of(args));
    command.add("--config");
    command.add(config.toString());
    return new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.PIPE)
        .start();
  }

  private static List<Path> hidden(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }
}
