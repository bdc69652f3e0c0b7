package io.stowage.app.cli;

import io.stowage.app.Host;
import io.stowage.app.service.StoreStatus;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "stores", description = "List the configured stores with their schemes and capabilities.")
final class StoresCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    try (Host host = root.boot(options.config)) {
      PrintStream out = root.console.out();
      List<Map<String, Object>> json = new ArrayList<>();
      for (StoreStatus s : host.imageStorage().stores()) {
        List<String> schemes = s.schemes().stream().sorted().toList();
        List<String> caps = s.capabilities().stream().sorted()
            .map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("type", s.type());
        m.put("available", s.available());
        m.put("schemes", schemes);
        m.put("capabilities", caps);
        s.problem().ifPresent(p -> m.put("error", p));
        json.add(m);
        if (!options.json) {
          out.println(s.id() + " (" + s.type() + ") "
              + (s.available() ? String.join(",", schemes) + " [" + String.join(",", caps) + "]"
                  : "unavailable: " + s.problem().orElse("")));
        }
      }
      if (options.json) {
        Json.print(out, json);
      }
      return Cli.OK;
    }
  }
}
