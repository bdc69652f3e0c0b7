package io.stowage.tck;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Tests that need an outside program (an oracle such as {@code qemu-img} or {@code vhdiinfo}):
 * without it they are skipped with a message saying how to install it — except when the
 * environment variable {@code CI} is set, where a missing tool fails the test, so a CI run
 * cannot pass by skipping what it was meant to check.
 */
public final class RequiredTools {
  private RequiredTools() {}

  /**
   * Returns normally if {@code tool} is an executable on the {@code PATH}; otherwise skips the
   * calling test (or fails it under CI) saying {@code install}, for example
   * {@code "apt-get install qemu-utils"}.
   */
  public static void require(String tool, String install) {
    // (plus the sbin folders, where tools such as sfdisk live and a non-root PATH may not reach)
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin"
        + File.pathSeparator + "/sbin";
    boolean found = Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    String why = tool + " is not installed (" + install + ")";
    if (!found && onCi()) {
      fail(why + " and CI is set: the tests that need it must run");
    }
    assumeTrue(found, why + "; skipped");
  }

  /** Whether the environment variable {@code CI} is set (to anything but empty or false). */
  public static boolean onCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false");
  }
}
