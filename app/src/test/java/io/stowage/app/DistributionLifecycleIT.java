package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution, run as a process: commands that need no store build none, so they
 * leave a configured data folder that does not exist not existing; the first command that uses
 * the store creates it.
 */
class DistributionLifecycleIT {
  static final Path DIST = Path.of(System.getProperty("stowage.test.dist", "target/stowage")).toAbsolutePath();

  @TempDir Path home;
  Path config;
  Path image;

  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void setUp() throws IOException {
    assertThat(DIST.resolve("bin/stowage")).as("the distribution is packaged").isExecutable();
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadir: data/images }
        """.formatted(DIST.resolve("plugins")));
    byte[] bytes = new byte[256 * 1024];
    new Random(7).nextBytes(bytes);
    image = Files.write(home.resolve("image.raw"), bytes);
  }

  Run stowage(String... args) throws Exception {
    return stowageWithJvmOptions("", args);
  }

  @Test
  void commandsThatNeedNoStoreLeaveTheDataFolderAlone() throws Exception {
    String[][] commands = {
      {"plugins"},
      {"plugins", "--json"},
      {"inspect", image.toString()},
      {"--config", config.toString(), "inspect", image.toString(), "--json"},
      {"get", "--help"},
      {"help", "get"},
      {"put", "--help"},
      {"disk", "--help"},
      {"--help"},
      // A usage error after the host started booting beside the parse (EarlyBoot).
      {"put", "--config", config.toString()},
    };
    for (String[] args : commands) {
      Run run = stowage(args);
      boolean usageError = args[0].equals("put") && args.length == 3;
      assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err())
          .isEqualTo(usageError ? 2 : 0);
      assertThat(run.err()).as(String.join(" ", args))
          .isEqualTo(usageError ? "stowage: Missing required parameter: 'FILE|-'\n(see 'stowage put --help')\n" : "");
      assertThat(home.resolve("data")).as(String.join(" ", args) + " touched the data folder").doesNotExist();
    }
    assertThat(stowage("inspect", image.toString()).out()).startsWith("format: raw\n");
    assertThat(stowage("get", "--help").out()).startsWith("Usage: stowage get ");

    Run stores = stowage("stores");
    assertThat(stores.exitCode()).as(stores.err()).isZero();
    assertThat(home.resolve("data/images")).as("the store is built when first used").isDirectory();
  }

  @Test
  void theClassDataArchiveHoldsTheTrainedCommandsClasses() throws Exception {
    // -Xshare:on: the JVM refuses to start if the archive does not fit this distribution.
    Path log = home.resolve("classes.log");
    Path vhdx = home.resolve("disk.vhdx");
    Run create = stowageWithJvmOptions("-Xshare:on", "disk", "create", "--size", "8MiB", vhdx.toString());
    assertThat(create.exitCode()).as(create.err()).isZero();
    Run convert = stowageWithJvmOptions("-Xshare:on -Xlog:class+load:file=" + log, "disk", "convert",
        "--to", "raw", vhdx.toString(), home.resolve("disk.raw").toString());
    assertThat(convert.exitCode()).as(convert.err()).isZero();
    assertThat(Files.readAllLines(log))
        .anyMatch(line -> line.contains("io.stowage.app.disk.RawConverter source: shared objects file"))
        .anyMatch(line -> line.contains("io.stowage.vhdx.VhdxFormat source: shared objects file"));
    Run put = stowageWithJvmOptions("-Xshare:on -Xlog:class+load:file=" + log, "put", image.toString());
    assertThat(put.exitCode()).as(put.err()).isZero();
    assertThat(Files.readAllLines(log))
        .anyMatch(line -> line.contains("io.stowage.app.cli.PutCommand source: shared objects file"))
        .anyMatch(line -> line.contains("io.stowage.filesystem.FilesystemStore source: shared objects file"));
  }

  @Test
  void aMovedDistributionMakesItsOwnArchiveOnceAndUsesIt() throws Exception {
    // The archive lists the jars by absolute path: in a copy, lib/stowage.jsa would be ignored.
    Path moved = home.resolve("elsewhere/stowage");
    copyTree(DIST, moved);
    Path cache = home.resolve("cache");
    Path vhdx = home.resolve("disk.vhdx");
    Run create = run(moved, Map.of("XDG_CACHE_HOME", cache.toString()), "",
        "disk", "create", "--size", "8MiB", vhdx.toString());
    assertThat(create.exitCode()).as(create.err()).isZero();
    assertThat(create.err()).isEmpty();
    List<Path> archives = archives(cache);
    assertThat(archives).singleElement().satisfies(archive ->
        assertThat(archive.getFileName().toString()).matches("cds-[0-9]+-[0-9]+\\.jsa"));
    assertThat(Files.readAllLines(Path.of(archives.get(0) + ".home")).get(0))
        .isEqualTo(moved.toRealPath().toString());
    FileTime made = Files.getLastModifiedTime(archives.get(0));

    Path log = home.resolve("classes.log");
    Run convert = run(moved, Map.of("XDG_CACHE_HOME", cache.toString()),
        "-Xshare:on -Xlog:class+load:file=" + log, "disk", "convert", "--to", "raw",
        vhdx.toString(), home.resolve("disk.raw").toString());
    assertThat(convert.exitCode()).as(convert.err()).isZero();
    assertThat(Files.readAllLines(log)).anyMatch(line ->
        line.contains("io.stowage.app.disk.RawConverter source: shared objects file"));
    assertThat(Files.getLastModifiedTime(archives.get(0))).as("made once").isEqualTo(made);

    // A jar that changed makes the archive stale (the JVM checks each jar's size and time):
    // a new one replaces it.
    Path jar = moved.resolve("lib/stowage-app-0.1.0.jar");
    Files.setLastModifiedTime(jar,
        FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    Run again = run(moved, Map.of("XDG_CACHE_HOME", cache.toString()), "-Xshare:on", "--version");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(archives(cache)).singleElement()
        .satisfies(archive -> assertThat(archive).isNotEqualTo(archives.get(0)));
  }

  @Test
  void makingAnArchiveRemovesThoseOfDeletedDistributions() throws Exception {
    Path cache = home.resolve("cache");
    Path first = home.resolve("first/stowage");
    copyTree(DIST, first);
    Run one = run(first, Map.of("XDG_CACHE_HOME", cache.toString()), "", "--version");
    assertThat(one.exitCode()).as(one.err()).isZero();
    List<Path> firsts = archives(cache);
    assertThat(firsts).hasSize(1);
    Path kept = home.resolve("kept/stowage");
    copyTree(DIST, kept);
    Run two = run(kept, Map.of("XDG_CACHE_HOME", cache.toString()), "", "--version");
    assertThat(two.exitCode()).as(two.err()).isZero();
    assertThat(archives(cache)).hasSize(2).contains(firsts.get(0));

    deleteTree(first);
    Path third = home.resolve("third/stowage");
    copyTree(DIST, third);
    Run three = run(third, Map.of("XDG_CACHE_HOME", cache.toString()), "", "--version");
    assertThat(three.exitCode()).as(three.err()).isZero();
    List<Path> left = archives(cache);
    assertThat(left).hasSize(2).doesNotContain(firsts.get(0));
    try (Stream<Path> files = Files.list(cache.resolve("stowage"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("each archive and its .home, nothing else")
          .hasSize(4).allMatch(name -> name.matches("cds-[0-9]+-[0-9]+\\.jsa(\\.home)?"));
    }
  }

  private static List<Path> archives(Path cache) throws IOException {
    try (Stream<Path> files = Files.list(cache.resolve("stowage"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).sorted().toList();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void commandsStartedTogetherInACopyAllRunAndLeaveOneArchive() throws Exception {
    Path moved = home.resolve("elsewhere/stowage");
    copyTree(DIST, moved);
    Path cache = home.resolve("cache");
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      started.add(start(moved, Map.of("XDG_CACHE_HOME", cache.toString()), "", "--version"));
    }
    for (Process p : started) {
      Run version = await(p, "--version", 120);
      assertThat(version.exitCode()).as(version.err()).isZero();
      assertThat(version.out()).startsWith("stowage ");
      assertThat(version.err()).isEmpty();
    }
    try (Stream<Path> files = Files.list(cache.resolve("stowage"))) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted())
          .as("one archive and its .home; no lock, temporary file or failure log")
          .hasSize(2).allMatch(name -> name.matches("cds-[0-9]+-[0-9]+\\.jsa(\\.home)?"));
    }
  }

  @Test
  void aCacheFolderThatCannotBeWrittenCostsTheArchiveNotTheCommand() throws Exception {
    Path moved = home.resolve("elsewhere/stowage");
    copyTree(DIST, moved);
    Path notAFolder = Files.writeString(home.resolve("cache"), "a file");
    for (Map<String, String> env : List.of(Map.of("XDG_CACHE_HOME", notAFolder.toString()),
        Map.of("XDG_CACHE_HOME", "", "HOME", ""))) {
      Run version = run(moved, env, "", "--version");
      assertThat(version.exitCode()).as(env + ": " + version.err()).isZero();
      assertThat(version.err()).as(env.toString()).isEmpty();
      assertThat(version.out()).startsWith("stowage ");
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()),
            StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private Run stowageWithJvmOptions(String options, String... args) throws Exception {
    return run(DIST, Map.of(), options, args);
  }

  private Run run(Path dist, Map<String, String> env, String options, String... args)
      throws Exception {
    return await(start(dist, env, options, args), String.join(" ", args), 60);
  }

  private Process start(Path dist, Map<String, String> env, String options, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(dist.resolve("bin/stowage").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    builder.environment().put("STOWAGE_CONFIG", config.toString());
    builder.environment().put("STOWAGE_JAVA_OPTS", options);
    builder.environment().remove("STOWAGE_DEBUG");
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getOutputStream().close();
    return p;
  }

  private static Run await(Process p, String what, int seconds) throws Exception {
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as(what).isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

}
