package io.stowage.cache.xattr;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A file system mounted on a test folder (needs root), unmounted on close. */
final class Mounts implements AutoCloseable {
  private final Path point;

  private Mounts(Path point) {
    this.point = point;
  }

  /**
   * Mounts {@code type} with {@code options} on {@code point}; skips the test if this machine
   * cannot mount (not root, no capability), or fails it when env CI is set.
   */
  static Mounts mount(String type, String options, Path point)
      throws IOException, InterruptedException {
    XattrOracle.requireTool("mount");
    Files.createDirectories(point);
    try {
      XattrOracle.run("mount", "-t", type, "-o", options, type, point.toString());
    } catch (IOException e) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("cannot mount " + type + " (CI runs as root): " + e.getMessage());
      }
      assumeTrue(false, "cannot mount " + type + " here: " + e.getMessage());
    }
    return new Mounts(point);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    XattrOracle.run("umount", "-l", point.toString());
  }
}
