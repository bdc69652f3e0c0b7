package io.stowage.app.cli;

import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.SafetyFinding;
import io.stowage.app.Host;
import io.stowage.app.disk.Inspection;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      Inspection found = host.diskFormats().inspect(file);
      print(root.console.out(), found, options.json);
      return Cli.OK;
    }
  }

  static Map<String, Object> json(Inspection found) {
    Optional<DiskInfo> info = found instanceof Inspection.Recognised r
        ? Optional.of(r.info()) : Optional.empty();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", found.format().orElse(null));
    if (found instanceof Inspection.Ambiguous a) {
      json.put("candidates", a.formats());
    }
    json.put("virtual_size", info.map(DiskInfo::virtualSize).orElse(null));
    json.put("details", info.map(DiskInfo::details).orElse(Map.of()));
    json.put("safety", safety(found.safety()));
    return json;
  }

  static List<Map<String, String>> safety(List<SafetyFinding> findings) {
    List<Map<String, String>> safety = new ArrayList<>();
    for (SafetyFinding f : findings) {
      safety.add(Map.of("check", f.check(), "message", f.message()));
    }
    return safety;
  }

  private static void print(PrintStream out, Inspection found, boolean asJson) {
    if (asJson) {
      Json.print(out, json(found));
      return;
    }
    out.println("format: " + found.format().orElseGet(() ->
        "ambiguous (" + String.join(" or ", ((Inspection.Ambiguous) found).formats()) + ")"));
    if (found instanceof Inspection.Recognised r) {
      out.println("virtual size: " + r.info().virtualSize());
      r.info().details().forEach((k, v) -> out.println(k + ": " + v));
    } else {
      out.println("virtual size: unknown");
    }
    if (found.isSafe()) {
      out.println("safety: no findings");
    }
    found.safety().forEach(f -> out.println("unsafe: " + f.check() + ": " + f.message()));
  }
}
