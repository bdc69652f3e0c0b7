package io.stowage.app.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL cluster for the tests: Debian's initdb/pg_ctl, a temp folder, a free
 * loopback port, trust authentication. Started once per test JVM on first use and stopped by
 * a shutdown hook. PostgreSQL refuses to run as root, so as root the cluster runs as the
 * {@code postgres} user (or {@code nobody}) through {@code setpriv}, owning its folder.
 *
 * <p>Without PostgreSQL installed the tests that need it are skipped with a message, or fail
 * when the environment variable {@code CI} is set (CI installs it: {@code .ci/run}).
 */
final class PostgresCluster {
  private static final String USER = "stowage";
  private static PostgresCluster instance;
  private static String unavailable;

  private final Path dir;
  private final Path binDir;
  private final int port;
  private final List<String> asUser;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresCluster(Path dir, Path binDir, int port, List<String> asUser) {
    this.dir = dir;
    this.binDir = binDir;
    this.port = port;
    this.asUser = asUser;
  }

  /** The shared cluster; skips (or, under CI, fails) the calling test when there is none. */
  static synchronized PostgresCluster get() {
    if (instance == null && unavailable == null) {
      try {
        instance = start();
      } catch (IOException | RuntimeException e) {
        unavailable = "cannot start PostgreSQL: " + e.getMessage();
      }
    }
    if (instance == null) {
      if (System.getenv("CI") != null) {
        throw new AssertionError(unavailable + " (CI is set: .ci/run must install postgresql)");
      }
      Assumptions.abort(unavailable);
    }
    return instance;
  }

  private static PostgresCluster start() throws IOException {
    Path bin = findBin().orElseThrow(() -> new IllegalStateException(
        "no /usr/lib/postgresql/*/bin/initdb; install Debian's postgresql package"));
    Path dir = Files.createTempDirectory("stowage-pg-");
    List<String> asUser = List.of();
    if ("root".equals(System.getProperty("user.name"))) {
      String user = userExists("postgres") ? "postgres" : "nobody";
      run(List.of("chown", "-R", user + ":", dir.toString()), List.of(), dir);
      asUser = List.of("setpriv", "--reuid=" + user, "--regid=" + group(user), "--init-groups",
          "--reset-env", "--");
    }
    int port = freePort();
    PostgresCluster c = new PostgresCluster(dir, bin, port, asUser);
    c.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
        "-U", USER, "-A", "trust", "--no-locale", "-E", "UTF8", "--no-sync"));
    c.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
        "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
            + " -c full_page_writes=off -c max_connections=200",
        "start"));
    Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "stop-test-postgres"));
    return c;
  }

  private static Optional<Path> findBin() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> versionOf(b.getParent())));
    }
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean userExists(String user) {
    try {
      return new ProcessBuilder("id", "-u", user).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String group(String user) throws IOException {
    Process p = new ProcessBuilder("id", "-g", user).start();
    return new String(p.getInputStream().readAllBytes()).strip();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void pg(List<String> command) throws IOException {
    List<String> full = new ArrayList<>(asUser);
    full.addAll(command);
    run(full, List.of(), dir);
  }

  private static void run(List<String> command, List<String> env, Path cwd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
        .redirectErrorStream(true);
    Path out = Files.createTempFile("stowage-pg-cmd", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: "
            + Files.readString(out).strip().replace('\n', ' '));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  int port() {
    return port;
  }

  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A new, empty database in the cluster. */
  RegistrySettings freshDatabase() {
    String name = "registry_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return new RegistrySettings(url(name), Optional.of(USER), Optional.empty(),
        RegistrySettings.DEFAULT_POOL_SIZE);
  }

  private void stop() {
    try {
      pg(List.of(binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
          "-m", "immediate", "-w", "stop"));
    } catch (IOException | RuntimeException e) {
      System.err.println("stopping the test PostgreSQL failed: " + e.getMessage());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("cannot remove " + dir + ": " + e.getMessage());
    }
  }
}
