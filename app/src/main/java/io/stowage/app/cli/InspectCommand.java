package io.stowage.app.cli;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.SafetyFinding;
import io.stowage.app.Host;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "inspect",
    description = "Detect an image's disk format and report its virtual size, details and safety findings.")
final class InspectCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;

  @Parameters(paramLabel = "FILE", description = "The image file.")
  Path file;

  @Override
  public Integer call() {
    try (Host host = root.boot(options.config)) {
      DiskInfo info = host.diskFormats().inspect(file);
      print(root.console.out(), info, options.json);
      return Cli.OK;
    }
  }

  static Map<String, Object> json(DiskInfo info) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", info.format());
    json.put("virtual_size", info.virtualSize() < 0 ? null : info.virtualSize());
    json.put("details", info.details());
    List<Map<String, String>> safety = new ArrayList<>();
    for (SafetyFinding f : info.safety()) {
      safety.add(Map.of("check", f.check(), "message", f.message()));
    }
    json.put("safety", safety);
    return json;
  }

  private static void print(PrintStream out, DiskInfo info, boolean asJson) {
    if (asJson) {
      Json.print(out, json(info));
      return;
    }
    out.println("format: " + info.format());
    out.println("virtual size: " + (info.virtualSize() < 0 ? "unknown" : info.virtualSize()));
    info.details().forEach((k, v) -> out.println(k + ": " + v));
    if (info.isSafe()) {
      out.println("safety: no findings");
    }
    info.safety().forEach(f -> out.println("unsafe: " + f.check() + ": " + f.message()));
  }
}
