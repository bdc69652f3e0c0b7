package io.stowage.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external tool run to its end (an oracle such as {@code qemu-img}, or a tool that makes test
 * input): its exit status and its standard output and error, merged. The tool's standard input is
 * closed, so a tool that would prompt fails instead of waiting.
 *
 * <p>Tests that need a tool call {@link RequiredTools#require} first; {@link #run} itself only
 * fails (with {@link AssertionError}) when the tool cannot be started or runs past two minutes.
 */
public record ToolRun(int exit, String out) {
  private static final long TIMEOUT_SECONDS = 120;

  /** Runs {@code command} (the tool, then its arguments) and waits for it. */
  public static ToolRun run(String... command) {
    try {
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new ToolRun(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Runs {@code command} and returns its output.
   *
   * @throws AssertionError it exited with another status than 0 (the message has its output)
   */
  public static String ok(String... command) {
    return run(command).orFail(command);
  }

  /**
   * This run's output.
   *
   * @throws AssertionError it exited with another status than 0
   */
  public String orFail(String... command) {
    if (exit != 0) {
      throw new AssertionError(String.join(" ", command) + " failed (" + exit + "): " + out);
    }
    return out;
  }
}
