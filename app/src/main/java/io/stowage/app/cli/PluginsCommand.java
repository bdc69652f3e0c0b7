package io.stowage.app.cli;

import io.stowage.app.Host;
import io.stowage.app.plugin.PluginReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "plugins", description = "List the plugins found, with their state and extensions.")
final class PluginsCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    try (Host host = root.boot(options.config)) {
      List<PluginReport> reports = host.plugins().reports();
      PrintStream out = root.console.out();
      if (options.json) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (PluginReport r : reports) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", r.id());
          m.put("version", r.version().orElse(null));
          m.put("state", r.state());
          m.put("extensions", r.extensions());
          r.error().ifPresent(e -> m.put("error", e));
          if (!r.warnings().isEmpty()) {
            m.put("warnings", r.warnings());
          }
          json.add(m);
        }
        Json.print(out, json);
      } else if (reports.isEmpty()) {
        out.println("no plugins in " + host.plugins().pluginsDir());
      } else {
        for (PluginReport r : reports) {
          out.println(r.id() + " " + r.version().orElse("-") + " " + r.state()
              + r.error().map(e -> ": " + e).orElse(""));
          r.extensions().forEach(e -> out.println("  " + e));
          r.warnings().forEach(w -> out.println("  warning: " + w));
        }
      }
      return Cli.OK;
    }
  }
}
