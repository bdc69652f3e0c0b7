package io.stowage.app.cli;


import io.stowage.api.store.Location;
import io.stowage.app.Host;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "rm", description = "Delete an image.")
final class RmCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;
  @Mixin LocationOptions where;

  @Override
  public Integer call() {
    Location location = where.parse();
    try (Host host = root.boot(options.config)) {
      host.imageStorage().delete(location);
      if (options.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("location", location.uri().toString());
        json.put("deleted", true);
        Json.print(root.console.out(), json);
      }
      return Cli.OK;
    }
  }
}
