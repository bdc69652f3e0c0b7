package io.stowage.app.cli;


import io.stowage.api.store.Location;
import io.stowage.app.Host;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "size", description = "Print an image's size in bytes.")
final class SizeCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;
  @Mixin LocationOptions where;

  @Override
  public Integer call() {
    Location location = where.parse();
    try (Host host = root.boot(options.config)) {
      long size = host.imageStorage().size(location);
      if (options.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("location", location.uri().toString());
        json.put("size", size);
        Json.print(root.console.out(), json);
      } else {
        root.console.out().println(size);
      }
      return Cli.OK;
    }
  }
}
