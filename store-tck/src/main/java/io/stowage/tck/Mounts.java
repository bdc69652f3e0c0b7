package io.stowage.tck;

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
 * Real mounts for a backend's tests that need a small, full or read-only file system (a store
 * must turn a full disk into {@code StorageFullException} and a read-only one into
 * {@code WriteDeniedException}, and leave nothing behind). Needs root (or CAP_SYS_ADMIN): where
 * mounting is not allowed a test is skipped, saying so — and fails instead when the environment
 * variable {@code CI} is set, so a CI run cannot pass by skipping it. Close to unmount everything
 * mounted, newest first. Not thread-safe: one per test.
 */
public final class Mounts implements AutoCloseable {
  private final Deque<Path> mounted = new ArrayDeque<>();

  /** Mounts a tmpfs of {@code size} (such as {@code 4m}) on {@code dir}. */
  public Path tmpfs(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=755", "tmpfs", dir.toString());
    mounted.push(dir);
    return dir;
  }

  /** Changes the size of a tmpfs mounted by {@link #tmpfs}. */
  public void resize(Path dir, String size) throws IOException, InterruptedException {
    run("mount", "-o", "remount,size=" + size, dir.toString());
  }

  /** Mounts the file system image {@code image} on {@code dir} through a loop device. */
  public Path loop(Path image, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-o", "loop", image.toString(), dir.toString());
    mounted.push(dir);
    return dir;
  }

  /** Makes {@code target} a bind mount of {@code source}. */
  public Path bind(Path source, Path target) throws IOException, InterruptedException {
    Files.createDirectories(target);
    run("mount", "--bind", source.toString(), target.toString());
    mounted.push(target);
    return target;
  }

  /** Remounts a bind mount read-only or writable again. */
  public void setReadOnly(Path target, boolean readOnly) throws IOException, InterruptedException {
    run("mount", "-o", "remount,bind," + (readOnly ? "ro" : "rw"), target.toString());
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
    if (rc != 0 && RequiredTools.onCi()) {
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
