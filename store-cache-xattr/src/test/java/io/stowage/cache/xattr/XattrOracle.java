package io.stowage.cache.xattr;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** getfattr/setfattr (Debian's attr package) and other system tools, as test oracles. */
final class XattrOracle {
  private XattrOracle() {}

  /** Skips the test if {@code tool} is missing, or fails it when env CI is set. */
  static void requireTool(String tool) {
    boolean present = List.of("/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/").stream()
        .anyMatch(d -> Files.isExecutable(Path.of(d + tool)));
    if (!present && System.getenv("CI") != null) {
      throw new AssertionError(tool + " is missing; .ci/run installs it");
    }
    assumeTrue(present, tool + " is not installed (Debian package attr / util-linux)");
  }

  /** The attribute's value as getfattr prints it. */
  static String get(Path file, String name) throws IOException, InterruptedException {
    requireTool("getfattr");
    return run("getfattr", "--absolute-names", "--only-values", "-n", name, file.toString());
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.trim());
    }
    return out;
  }
}
