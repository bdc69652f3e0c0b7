package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import io.stowage.api.io.AtomicFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated and mutated input at every entry point of the command line — arguments, locations
 * and ids, configuration files, disk images, plugin jars — from a printed seed and a fixed
 * count. Every run must end with exit 0, 1 or 2, at most one line on stderr and no stack trace,
 * leave nothing behind in the data folder, and leave the images stored before intact.
 *
 * <p>Reproduce a run with {@code -Dstowage.hostile.seed=N}; {@code -Dstowage.hostile.count=N}
 * sets the inputs per entry point.
 */
class HostileInputTest {
  static final long SEED = Long.getLong("stowage.hostile.seed", 20261130L);
  static final int COUNT = Integer.getInteger("stowage.hostile.count", 60);
  static final Path PLUGINS = DistributionTest.PLUGINS.toAbsolutePath();

  @TempDir Path home;
  Path config;
  Path data;
  Map<String, String> intact;
  List<String> locations;
  Random random;

  @BeforeEach
  void storeTwoImages(org.junit.jupiter.api.TestInfo test) throws Exception {
    assumeTrue(Files.isDirectory(PLUGINS), "no plugins built in " + PLUGINS + " (run mvn verify)");
    long seed = SEED ^ test.getDisplayName().hashCode();
    System.out.printf("hostile input: %s seed=%d (stowage.hostile.seed=%d) count=%d%n",
        test.getDisplayName(), seed, SEED, COUNT);
    random = new Random(seed);
    data = home.resolve("data/images");
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        default_store: local
        stores:
          local: { type: filesystem, datadir: %s }
          blobs: { type: content, root: %s }
        cache: { driver: xattr, dir: %s, max_size: 1MiB }
        """.formatted(PLUGINS, data, home.resolve("data/content"), home.resolve("data/cache")));
    locations = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      byte[] bytes = new byte[4096 + i];
      random.nextBytes(bytes);
      Path f = Files.write(home.resolve("seed" + i), bytes);
      CliRun put = CliRun.run(config, "put", f.toString(), "--json");
      assertThat(put.exitCode()).as(put.stderr()).isZero();
      locations.add(put.json().get("location").asText());
    }
    intact = snapshot();
  }

  @Test
  void commandLineArguments() throws Exception {
    String[] commands = {"put", "get", "size", "rm", "inspect", "stores", "plugins", "disk create",
        "disk convert", "disk resize", "disk reconnect", "help", "frobnicate",
        "content ingest", "content status", "content ls", "content info", "content abort",
        "content rm", "content label", "cache list", "cache queue", "cache rm", "cache clear",
        "cache prune", "cache clean"};
    String[] options = {"--id", "--size", "--store", "--offset", "--length", "-o", "--json",
        "--to", "--format", "--block-size", "--logical-sector", "--parent", "--fixed",
        "--allow-unsafe", "--progress", "--config", "--", "-", "--force", "--help",
        "--ref", "--expected", "--filter", "--label", "--replace", "--target", "--max-size", "-q",
        "blobs", "sha256:" + "0".repeat(64), "sha512:", "labels.x==y", "cache", "queue"};
    for (int i = 0; i < COUNT; i++) {
      List<String> argv = new ArrayList<>(List.of(pick(commands).split(" ")));
      int n = random.nextInt(5);
      for (int k = 0; k < n; k++) {
        argv.add(random.nextBoolean() ? pick(options) : hostileText());
      }
      check(argv.toArray(String[]::new));
    }
  }

  @Test
  void locationsAndIds() throws Exception {
    for (int i = 0; i < COUNT; i++) {
      String location = mutate(pick(locations.toArray(String[]::new)));
      if (locations.contains(location)) {
        continue;
      }
      check(pick(new String[] {"get", "size", "rm"}), location);
      Path image = Files.write(home.resolve("img"), new byte[] {1, 2, 3});
      check("put", "--id", hostileText(), image.toString());
    }
  }

  @Test
  void configurationFiles() throws Exception {
    String valid = Files.readString(config);
    for (int i = 0; i < COUNT; i++) {
      Path broken = Files.writeString(home.resolve("broken.yaml"), mutate(valid));
      checkWith(broken, "stores", "--json");
    }
  }

  @Test
  void diskImages() throws Exception {
    Path vhdx = home.resolve("base.vhdx");
    CliRun create = CliRun.run(config, "disk", "create", "--size", "8MiB", "--block-size", "1MiB",
        vhdx.toString());
    assertThat(create.exitCode()).as(create.stderr()).isZero();
    byte[] valid = Files.readAllBytes(vhdx);
    for (int i = 0; i < COUNT; i++) {
      byte[] bytes = valid.clone();
      int flips = 1 + random.nextInt(8);
      for (int k = 0; k < flips; k++) {
        // Most of a small VHDX's structure sits in its first 4 MiB.
        int at = random.nextInt(Math.min(bytes.length, 4 << 20));
        bytes[at] = (byte) random.nextInt(256);
      }
      if (random.nextInt(4) == 0) {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      Path damaged = Files.write(home.resolve("damaged.vhdx"), bytes);
      check("inspect", "--json", damaged.toString());
      Path out = home.resolve("out" + i + ".raw");
      CliRun convert = check("disk", "convert", "--to", "raw", damaged.toString(), out.toString());
      if (convert.exitCode() != 0) {
        assertThat(out).as("a failed convert leaves no output").doesNotExist();
      }
      Files.deleteIfExists(out);
      check("put", damaged.toString());
    }
  }

  @Test
  void outputPaths() throws Exception {
    Path source = Files.write(home.resolve("source.raw"), new byte[] {4, 5, 6, 7});
    Path existing = Files.writeString(home.resolve("existing.raw"), "keep");
    Path folder = Files.createDirectories(home.resolve("a-folder"));
    Path link = home.resolve("link-to-source");
    Files.createSymbolicLink(link, source);
    for (int i = 0; i < COUNT; i++) {
      int kind = random.nextInt(8);
      String out = switch (kind) {
        case 0 -> source.toString();
        case 1 -> existing.toString();
        case 2 -> folder.toString();
        case 3 -> link.toString();
        case 4 -> Path.of(java.net.URI.create(pick(locations.toArray(String[]::new)))).toString();
        case 5 -> home.resolve("missing/folder/out.raw").toString();
        case 6 -> home.resolve(randomText(1 + random.nextInt(20)).replace('/', '_').replace('\u0000', '_')).toString();
        // '/' kept out: "../../etc/passwd" with --force would be a real write outside the test
        default -> home.resolve(hostileText().replace('/', '_').replace('\u0000', '_')).toString();
      };
      // --force over a stored image's file is the user's explicit choice; without, it is refused.
      boolean force = kind != 4 && random.nextBoolean();
      List<String> args = new ArrayList<>(random.nextBoolean()
          ? List.of("get", pick(locations.toArray(String[]::new)), "-o", out)
          : List.of("disk", "convert", "--to", "raw", source.toString(), out));
      if (force) {
        args.add("--force");
      }
      check(args.toArray(String[]::new));
      assertThat(Files.readAllBytes(source)).as("the input of " + args + " is intact").containsExactly(4, 5, 6, 7);
      if (!force) {
        assertThat(Files.readString(existing)).as(args + ": no --force, nothing replaced").isEqualTo("keep");
      } else {
        Files.writeString(existing, "keep");
      }
      try (Stream<Path> left = Files.list(home)) {
        assertThat(left.filter(p -> AtomicFile.isTemporaryName(p.getFileName().toString())).toList())
            .as(args + ": no temporary file left").isEmpty();
      }
      // Outputs the run made are removed so the next input finds the folder as it was.
      try (Stream<Path> made = Files.list(home)) {
        for (Path p : made.toList()) {
          String n = p.getFileName().toString();
          if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Set.of("source.raw",
              "existing.raw", "stowage.yaml", "seed0", "seed1").contains(n)) {
            Files.delete(p);
          }
        }
      }
    }
  }

  @Test
  void pluginJars() throws Exception {
    Path jar;
    try (Stream<Path> s = Files.list(PLUGINS)) {
      jar = s.filter(p -> p.getFileName().toString().startsWith("store-filesystem-")).findFirst().orElseThrow();
    }
    byte[] valid = Files.readAllBytes(jar);
    Path folder = Files.createDirectories(home.resolve("hostile-plugins"));
    Path hostileConfig = Files.writeString(home.resolve("hostile.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadir: %s }
        """.formatted(folder, data));
    for (int i = 0; i < COUNT; i++) {
      byte[] bytes = valid.clone();
      if (random.nextBoolean()) {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      } else {
        for (int k = 0; k < 1 + random.nextInt(16); k++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      // A new name each time: the JDK caches open jar files by path.
      try (Stream<Path> old = Files.list(folder)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      Files.write(folder.resolve("store-filesystem-" + i + ".jar"), bytes);
      checkWith(hostileConfig, "plugins", "--json");
      checkWith(hostileConfig, "stores", "--json");
    }
  }

  private CliRun check(String... args) throws Exception {
    return checkWith(config, args);
  }

  private CliRun checkWith(Path cfg, String... args) throws Exception {
    CliRun run = CliRun.runWithInput(cfg, new ByteArrayInputStream(new byte[0]), args);
    String what = String.join(" ", args);
    if (what.length() > 300) {
      what = what.substring(0, 300) + "…";
    }
    assertThat(run.exitCode()).as(what + "\n" + run.stderr()).isBetween(0, 2);
    assertThat(run.stderr()).as(what).doesNotContain("\tat ", "Exception:", "Error:");
    if (run.exitCode() == 1) {
      assertThat(run.stderr().lines().count()).as(what + "\n" + run.stderr()).isEqualTo(1);
      assertThat(run.stderr().length()).as(what + ": the message stays short").isLessThan(2048);
    }
    assertThat(leftovers()).as(what + ": nothing left behind").isEmpty();
    Map<String, String> now = snapshot();
    for (Map.Entry<String, String> e : intact.entrySet()) {
      assertThat(now.get(e.getKey())).as(what + ": " + e.getKey() + " intact").isEqualTo(e.getValue());
    }
    return run;
  }

  private List<Path> leftovers() throws IOException {
    if (!Files.isDirectory(data)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(data)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }

  private Map<String, String> snapshot() throws Exception {
    Map<String, String> hashes = new TreeMap<>();
    for (String location : locations) {
      Path file = Path.of(java.net.URI.create(location));
      hashes.put(location, Files.exists(file)
          ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
          : "missing");
    }
    return hashes;
  }

  private String pick(String[] from) {
    return from[random.nextInt(from.length)];
  }

  private static final String[] NASTY = {"../../../etc/passwd", "/etc/passwd", "file:///etc/passwd",
      "file:///../../etc", "%2e%2e%2f%2e%2e", "-1", "0", "9223372036854775808", "1e400", "NaN",
      "", " ", "\u202e", "🙂", "a\u0000b", "file:", "file://", "file://host/x", "s3://b/k",
      "content:sha256:", "1TiB", "99999999999TiB", ".", "..", "-", "--", "%n%n%s", "${jndi:x}",
      "\\\\server\\share", "C:\\x", "\n", "a\nb"};

  private String hostileText() {
    return switch (random.nextInt(4)) {
      case 0 -> pick(NASTY);
      case 1 -> "x".repeat(1 + random.nextInt(120_000));
      case 2 -> randomText(1 + random.nextInt(40));
      default -> mutate(pick(NASTY) + randomText(random.nextInt(8)));
    };
  }

  private String randomText(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x3000) : 32 + random.nextInt(95));
    }
    return sb.toString();
  }

  private String mutate(String text) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = sb.length() == 0 ? 0 : random.nextInt(sb.length());
      switch (random.nextInt(5)) {
        case 0 -> { if (sb.length() > 0) sb.deleteCharAt(at); }
        case 1 -> sb.insert(at, (char) (32 + random.nextInt(95)));
        case 2 -> sb.insert(at, pick(NASTY));
        case 3 -> { if (sb.length() > 0) sb.setLength(at); }
        default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + random.nextInt(64))));
      }
    }
    return new String(sb.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
