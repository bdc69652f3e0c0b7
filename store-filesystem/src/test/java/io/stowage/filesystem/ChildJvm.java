package io.stowage.filesystem;


import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@link ChildMain} in a separate JVM — to kill it mid-write, to run it under a file size
 * limit, or as another user. For another user the class path is copied somewhere that user
 * can read.
 */
final class ChildJvm {
  /** What a finished child printed. */
  record Result(int exitCode, String stdout, String stderr) {}

  private ChildJvm() {}

  static Process start(List<String> wrapper, Path readableCopyRoot, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(readableCopyRoot == null ? System.getProperty("java.class.path") : copyClassPath(readableCopyRoot));
    command.add(ChildMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  static Result run(List<String> wrapper, Path readableCopyRoot, String... args)
      throws IOException, InterruptedException {
    Process p = start(wrapper, readableCopyRoot, args);
    p.getOutputStream().close();
    byte[] err = new byte[0];
    byte[] out = p.getInputStream().readAllBytes();
    err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish");
    }
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8).strip(),
        new String(err, StandardCharsets.UTF_8).strip());
  }

  /** Whether {@code tool} can be run. */
  // Copies every class path entry to a world-readable folder (the Maven repository is usually
  // under root's private home).
  private static String copyClassPath(Path root) throws IOException {
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
        continue;
      }
      Path target = root.resolve(i++ + "-" + source.getFileName());
      copyReadable(source, target);
      entries.add(target.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void copyReadable(Path source, Path target) throws IOException {
    try (Stream<Path> tree = Files.walk(source)) {
      for (Path p : (Iterable<Path>) tree::iterator) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
          Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
  }
}
