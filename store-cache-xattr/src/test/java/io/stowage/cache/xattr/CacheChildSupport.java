package io.stowage.cache.xattr;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts {@link CacheChild} JVMs and talks to them. */
final class CacheChildSupport {
  private CacheChildSupport() {}

  static String md5(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A running child JVM with its stdout as lines. */
  static final class Child implements AutoCloseable {
    final Process process;
    private final BufferedReader out;

    Child(String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of(
          System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          CacheChild.class.getName()));
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The next line the child prints; fails if it exits first. */
    String line() throws IOException {
      String line = out.readLine();
      if (line == null) {
        throw new IllegalStateException("child exited with " + exit() + " before saying anything");
      }
      return line;
    }

    /** Kills the child with SIGKILL and waits for it to be gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    int exit() {
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return -1;
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }
}
