package io.stowage.app.cli;

import io.stowage.app.Host;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "stowage",
    mixinStandardHelpOptions = true,
    versionProvider = StowageCommand.Version.class,
    description = "Stores, reads and inspects virtual-machine and container images.")
final class StowageCommand implements Runnable {
  /** The subcommands, in the order {@code --help} lists them. */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
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
          ContentCommand.class);

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
   * Adds to {@code root} the subcommand that {@code args} name, or every subcommand when they
   * name none (or one that does not exist, or {@code help}), so that usage, suggestions and
   * {@code help COMMAND} see them all. Picocli builds a command's model by reflection when it is
   * added, and building all of them was the largest part of a command's start.
   */
  static void addSubcommands(CommandLine root, String... args) {
    String name = subcommandName(args);
    for (Class<?> command : SUBCOMMANDS) {
      if (!name.equals("help") && command.getAnnotation(Command.class).name().equals(name)) {
        root.addSubcommand(command);
        return;
      }
    }
    SUBCOMMANDS.forEach(root::addSubcommand);
  }

  // The first argument that is not a root option (nor --config's value).
  private static String subcommandName(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return "";
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
