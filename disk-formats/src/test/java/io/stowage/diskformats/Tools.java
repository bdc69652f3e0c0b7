package io.stowage.diskformats;

import io.stowage.tck.RequiredTools;
import io.stowage.tck.ToolRun;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the oracle and image-making tools (qemu-img, xorriso, sfdisk, cryptsetup). A missing
 * tool skips the test, saying so — and fails it when {@code CI} is set, where .ci/run installs
 * them all.
 */
final class Tools {
  private Tools() {}

  static void require(String tool, String debianPackage) {
    RequiredTools.require(tool, "Debian package " + debianPackage);
  }

  static ToolRun run(String... cmd) {
    return ToolRun.run(cmd);
  }

  /** Runs and demands success. */
  static String ok(String... cmd) {
    ToolRun r = run(cmd);
    // qemu-img times its LUKS key derivation by CPU time and gives up with this message when a
    // busy machine makes the measurement unreliable: making the test image again is all it needs.
    for (int retry = 0; r.exit() != 0 && r.out().contains("Unable to get accurate CPU usage")
        && retry < 10; retry++) {
      r = run(cmd);
    }
    return r.orFail(cmd);
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
