package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stowage content ingest} killed with SIGKILL at seeded points, in a real child process
 * (as {@link KillTest} does for the other commands). After each kill: nothing partial is visible
 * under {@code blobs/} (every blob there is whole and named by its digest, no temporary files),
 * and a retry of the same ref — which must not find it locked — resumes and commits the right
 * digest, leaving no ingest and no temporary file behind. Half the killed children run with the
 * JDK's digest state readable (as {@code bin/stowage} does: JDK checkpoints), half without
 * (portable checkpoints). Reproduce with {@code -Dstowage.kill.seed=N};
 * {@code -Dstowage.kill.points=N} sets the kill points per test.
 */
class ContentIngestKillTest {
  static final long SEED = KillTest.SEED;
  static final int POINTS = KillTest.POINTS;
  static final Path PLUGINS = KillTest.PLUGINS;

  @TempDir Path home;
  Path config;
  Path root;
  Random random;
  int resumed;

  @BeforeEach
  void setUp(TestInfo test) throws IOException {
    assumeTrue(Files.isDirectory(PLUGINS), "no plugins built in " + PLUGINS + " (run mvn verify)");
    long seed = SEED ^ test.getDisplayName().hashCode();
    System.out.printf("kill: %s seed=%d (stowage.kill.seed=%d) points=%d%n",
        test.getDisplayName(), seed, SEED, POINTS);
    random = new Random(seed);
    root = home.resolve("content");
    // A small checkpoint interval, so that kills land before, between and after checkpoints.
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        default_store: blobs
        stores:
          blobs: { type: content, root: %s, checkpoint_interval: 4MiB }
        """.formatted(PLUGINS, root));
  }

  @Test
  void ingestOfAFileKilledAtSeededTimes() throws Exception {
    byte[] data = new byte[48 << 20];
    random.nextBytes(data);
    Path file = Files.write(home.resolve("data.bin"), data);
    String digest = sha256(data);

    long began = System.nanoTime();
    Process whole = child(false, "--ref", "whole", "--expected", digest, file.toString());
    long started = awaitIngest(whole);
    assertThat(whole.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(whole.exitValue()).as(new String(whole.getErrorStream().readAllBytes())).isZero();
    long duration = System.nanoTime() - began;
    long ingesting = System.nanoTime() - started;
    assertThat(blobs()).containsExactly(digest);
    remove(digest);

    // Half the kills at a delay within the whole run (JVM start, store open, lock, ingest,
    // commit), half within the ingest itself, timed from when its data file appears.
    for (int point = 0; point < POINTS; point++) {
      boolean inIngest = (point / 2) % 2 == 0;
      long delay = (long) (random.nextDouble() * (inIngest ? ingesting : duration));
      String ref = "layer-" + point;
      Process p = child(point % 2 == 0, "--ref", ref, "--expected", digest, file.toString());
      if (inIngest) {
        awaitIngest(p);
      }
      TimeUnit.NANOSECONDS.sleep(delay);
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String at = "after a kill at " + delay / 1_000_000 + " ms"
          + (inIngest ? " into the ingest" : " into the run");
      checkNothingPartial(at);

      if (blobs().contains(digest)) {
        // Committed before the kill: whole. The retry then finds it already there.
        assertThat(sha256(Files.readAllBytes(blob(digest)))).isEqualTo(digest);
      }
      CliRun retry = CliRun.run(config, "content", "ingest", "--ref", ref, "--expected", digest,
          "--json", file.toString());
      assertRetried(retry, digest, at);
      remove(digest);
    }
    System.out.printf("kill: %d of %d retries resumed an interrupted ingest%n", resumed, POINTS);
    assertThat(resumed).as("some kills interrupted an ingest that the retry resumed").isPositive();
  }

  @Test
  void ingestFromStandardInputKilledAfterSeededByteCounts() throws Exception {
    for (int point = 0; point < POINTS; point++) {
      byte[] data = new byte[(1 + random.nextInt(24)) << 20];
      random.nextBytes(data);
      String digest = sha256(data);
      String ref = "stdin-" + point;
      int killAfter = (int) (random.nextDouble() * data.length);
      Process p = child(point % 2 == 0, "--ref", ref, "-");
      try (OutputStream in = p.getOutputStream()) {
        in.write(data, 0, killAfter);
        in.flush();
        // Give the child a moment to write (and checkpoint) some of what it read.
        TimeUnit.MILLISECONDS.sleep(random.nextInt(400));
        p.destroyForcibly();
      } catch (IOException closedEarly) {
        p.destroyForcibly();
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String at = "after a kill with " + killAfter + " of " + data.length + " bytes sent";
      checkNothingPartial(at);
      assertThat(blobs()).as("no blob of incomplete input " + at).isEmpty();

      CliRun retry = CliRun.runWithInput(config, new ByteArrayInputStream(data),
          "content", "ingest", "--ref", ref, "--expected", digest, "--json", "-");
      assertRetried(retry, digest, at);
      remove(digest);
    }
    System.out.printf("kill: %d of %d retries resumed an interrupted ingest%n", resumed, POINTS);
    assertThat(resumed).as("some kills interrupted an ingest that the retry resumed").isPositive();
  }

  /** Waits until {@code p} has an ingest data file (or ended); returns when, in nanoTime. */
  private long awaitIngest(Process p) throws Exception {
    Path ingests = root.resolve("ingest");
    while (p.isAlive()) {
      if (Files.isDirectory(ingests)) {
        try (Stream<Path> s = Files.walk(ingests)) {
          if (s.anyMatch(f -> f.getFileName().toString().equals("data"))) {
            break;
          }
        } catch (IOException | java.io.UncheckedIOException changing) {
          // A folder went away while listed: look again.
        }
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return System.nanoTime();
  }

  private void assertRetried(CliRun retry, String digest, String at) throws IOException {
    assertThat(retry.exitCode()).as("retry " + at + " (a locked ref fails it): " + retry.stderr())
        .isZero();
    assertThat(retry.json().get("digest").asText()).isEqualTo(digest);
    if (retry.json().get("resumed_from").asLong() > 0) {
      resumed++;
    }
    assertThat(blobs()).containsExactly(digest);
    assertThat(sha256(Files.readAllBytes(blob(digest)))).as("the blob " + at).isEqualTo(digest);
    CliRun status = CliRun.run(config, "content", "status", "--json");
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.json()).as("no ingest left " + at).isEmpty();
    assertThat(temporaryFiles()).as("nothing left behind " + at).isEmpty();
  }

  /** Every file under blobs/ is a whole blob under its digest, and none is hidden. */
  private void checkNothingPartial(String at) throws IOException {
    for (String d : blobs()) {
      assertThat(sha256(Files.readAllBytes(blob(d)))).as("blob " + d + " " + at).isEqualTo(d);
    }
    try (Stream<Path> all = Files.walk(root.resolve("blobs"))) {
      assertThat(all.filter(p -> p.getFileName().toString().startsWith(".")).toList())
          .as("no temporary file under blobs/ " + at).isEmpty();
    }
  }

  private List<String> blobs() throws IOException {
    Path folder = root.resolve("blobs/sha256");
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> "sha256:" + p.getFileName()).toList();
    }
  }

  private Path blob(String digest) {
    return root.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private void remove(String digest) {
    CliRun rm = CliRun.run(config, "content", "rm", digest);
    assertThat(rm.exitCode()).as(rm.stderr()).isZero();
  }

  private Process child(boolean jdkStates, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
    if (jdkStates) {
      command.addAll(List.of("--add-opens", "java.base/sun.security.provider=ALL-UNNAMED"));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "io.stowage.app.cli.Main", "content", "ingest"));
    command.addAll(List.of(args));
    command.add("--config");
    command.add(config.toString());
    return new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.PIPE)
        .start();
  }

  private static String sha256(byte[] data) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
