package io.stowage.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** The {@code stowage} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Plugins' failures are reported by `stowage plugins`; logs (with stack traces) only on request.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getenv().getOrDefault("STOWAGE_LOG", "off"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    if (standardInputClosed()) {
      env.put("STOWAGE_STDIN_CLOSED", "1");
    }
    int code = new Cli(System.in,
        new java.io.FileOutputStream(java.io.FileDescriptor.out), System.err, Map.copyOf(env)).run(args);
    System.exit(code);
  }

  /**
   * Whether the process started with standard input closed. The JVM then reuses descriptor 0 for
   * the first file it opens (its own {@code lib/modules}), so {@code System.in} would read that:
   * checked here, before the host opens anything, by where descriptor 0 leads (Linux).
   */
  static boolean standardInputClosed() {
    try {
      Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
      String home = System.getProperty("stowage.home");
      return target.startsWith(Path.of(System.getProperty("java.home")))
          || (home != null && target.startsWith(Path.of(home)));
    } catch (NoSuchFileException closed) {
      return Files.isDirectory(Path.of("/proc/self/fd"));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // no /proc: nothing to check
    }
  }
}
