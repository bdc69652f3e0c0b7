package io.stowage.vhdx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the oracle tools (qemu-img, qemu-io, vhdiinfo); tests skip when one is missing,
 * and fail instead when {@code CI} is set. */
final class Tools {
  private Tools() {}

  record Result(int exit, String out) {}

  static void require(String tool) {
    boolean found = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        found = true;
      }
    }
    String ci = System.getenv("CI");
    if (!found && ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false")) {
      throw new AssertionError(tool + " is not installed (Debian: qemu-utils / libvhdi-utils)"
          + " and CI is set: the tests that need it must run");
    }
    assumeTrue(found, tool + " is not installed (Debian: qemu-utils / libvhdi-utils); skipped");
  }

  static Result run(String... cmd) {
    require(cmd[0]);
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs and demands success. */
  static String ok(String... cmd) {
    Result r = run(cmd);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.out());
    }
    return r.out();
  }

  /** The virtual size qemu-img reports. */
  static long qemuVirtualSize(Path f) {
    return qemuVirtualSize(f, "vhdx");
  }

  static long qemuVirtualSize(Path f, String format) {
    String json = ok("qemu-img", "info", "-f", format, "--output=json", f.toString());
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(json);
    if (!m.find()) {
      throw new AssertionError("no virtual-size in " + json);
    }
    return Long.parseLong(m.group(1));
  }
}
