package io.stowage.diskformats;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the oracle and image-making tools (qemu-img, xorriso, sfdisk, cryptsetup). A missing
 * tool skips the test, saying so — and fails it when {@code CI} is set, where .ci/run installs
 * them all.
 */
final class Tools {
  private Tools() {}

  record Result(int exit, String out) {}

  static void require(String tool, String debianPackage) {
    boolean found = false;
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        found = true;
      }
    }
    String why = tool + " is not installed (Debian package " + debianPackage + ")";
    if (!found && System.getenv("CI") != null) {
      throw new AssertionError(why + "; CI must have it");
    }
    assumeTrue(found, why + "; skipped");
  }

  static Result run(String... cmd) {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
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
    // qemu-img times its LUKS key derivation by CPU time and gives up with this message when a
    // busy machine makes the measurement unreliable: making the test image again is all it needs.
    for (int retry = 0; r.exit() != 0 && r.out().contains("Unable to get accurate CPU usage")
        && retry < 10; retry++) {
      r = run(cmd);
    }
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.out());
    }
    return r.out();
  }

  /** Runs a shell line (for pipes into sfdisk) and demands success. */
  static String sh(String line) {
    return ok("sh", "-c", line);
  }

  /** What {@code qemu-img info --output=json} says: format and virtual size. */
  record QemuInfo(String format, long virtualSize, String json) {}

  static QemuInfo qemuInfo(Path f, String... extra) {
    require("qemu-img", "qemu-utils");
    List<String> cmd = new java.util.ArrayList<>(List.of("qemu-img", "info", "--output=json"));
    cmd.addAll(List.of(extra));
    cmd.add(f.toString());
    String json = ok(cmd.toArray(String[]::new));
    Matcher size = Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(json);
    Matcher format = Pattern.compile("\"format\":\\s*\"([^\"]+)\"").matcher(json);
    if (!size.find() || !format.find()) {
      throw new AssertionError("no virtual-size or format in " + json);
    }
    return new QemuInfo(format.group(1), Long.parseLong(size.group(1)), json);
  }
}
