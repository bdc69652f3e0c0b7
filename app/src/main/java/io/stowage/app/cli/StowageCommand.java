package io.stowage.app.cli;

import io.stowage.app.Host;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "stowage",
    mixinStandardHelpOptions = true,
    versionProvider = StowageCommand.Version.class,
    description = "Stores, reads and inspects virtual-machine and container images.",
    subcommands = {
      PluginsCommand.class,
      StoresCommand.class,
      PutCommand.class,
      GetCommand.class,
      SizeCommand.class,
      RmCommand.class,
      InspectCommand.class,
      DiskCommand.class,
      ServeCommand.class,
      ImageCommand.class,
      CacheCommand.class,
      picocli.CommandLine.HelpCommand.class,
      ContentCommand.class,
    })
final class StowageCommand implements Runnable {
  final Console console;

  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file, for every subcommand (a subcommand's own --config wins).")
  Path config;

  StowageCommand(Console console) {
    this.console = console;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The configuration: {@code --config}, else {@code $STOWAGE_CONFIG}, else
   * {@code <home>/conf/stowage.yaml}, else the embedded defaults relative to {@code <home>/conf}
   * (home: the distribution folder, or the working directory).
   */
  HostConfig config(ConfigLoader loader, Path explicit) {
    if (explicit != null) {
      return loader.load(explicit);
    }
    String env = console.env().get("STOWAGE_CONFIG");
    if (env != null && !env.isBlank()) {
      return loader.load(Path.of(env));
    }
    Path home = Path.of(System.getProperty("stowage.home", "")).toAbsolutePath();
    Path file = home.resolve("conf").resolve("stowage.yaml");
    return Files.isRegularFile(file) ? loader.load(file) : loader.embedded(home.resolve("conf"));
  }

  /** A host for the configuration {@code --config} names (the subcommand's, else the root's). */
  Host boot(Path explicitConfig) {
    ConfigLoader loader = new ConfigLoader();
    return Host.boot(config(loader, explicitConfig != null ? explicitConfig : config), loader);
  }

  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"stowage " + Host.version()};
    }
  }
}
