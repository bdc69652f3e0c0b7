package io.stowage.content;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real mounts for tests that need a small file system (as store-filesystem's tests have). Needs
 * root (or CAP_SYS_ADMIN); a test is skipped, saying so, where mounting is not allowed — and
 * fails instead when the environment variable {@code CI} is set. Close to unmount everything
 * mounted, newest first.
 */
final class Mounts implements AutoCloseable {
  private final Deque<Path> mounted = new ArrayDeque<>();

  /** Mounts a tmpfs of {@code size} (such as {@code 4m}) on {@code dir}. */
  Path tmpfs(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=755", "tmpfs", dir.toString());
    mounted.push(dir);
    return dir;
  }

  /** Changes the size of a tmpfs mounted by {@link #tmpfs}. */
  void resize(Path dir, String size) throws IOException, InterruptedException {
    run("mount", "-o", "remount,size=" + size, dir.toString());
  }

  @Override
  public void close() throws IOException {
    while (!mounted.isEmpty()) {
      try {
        exec("umount", "-l", mounted.pop().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while unmounting", e);
      }
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    int rc = exec(out, command);
    if (rc != 0 && System.getenv("CI") != null) {
      throw new IOException("cannot mount (CI must run as root): " + String.join(" ", command)
          + ": " + out);
    }
    assumeTrue(
        rc == 0,
        () -> "cannot mount here (needs root and kernel support): " + String.join(" ", command)
            + ": " + out);
  }

  private static int exec(String... command) throws IOException, InterruptedException {
    return exec(new ArrayList<>(), command);
  }

  private static int exec(List<String> output, String... command)
      throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      output.add(e.getMessage());
      return -1;
    }
    output.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
