package io.stowage.vhdx;

import io.stowage.tck.RequiredTools;
import io.stowage.tck.ToolRun;
import java.nio.file.Path;

/** Runs the oracle tools (qemu-img, qemu-io, vhdiinfo); tests skip when one is missing,
 * and fail instead when {@code CI} is set. */
final class Tools {
  private Tools() {}

  static void require(String tool) {
    RequiredTools.require(tool, "Debian: qemu-utils / libvhdi-utils");
  }

  static ToolRun run(String... cmd) {
    require(cmd[0]);
    return ToolRun.run(cmd);
  }

  /** Runs and demands success. */
  static String ok(String... cmd) {
    return run(cmd).orFail(cmd);
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
