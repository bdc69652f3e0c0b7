package io.stowage.app.cli;

import io.stowage.app.Host;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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

  /** The host booting while the command line is parsed, if any (see {@link EarlyBoot}). */
  EarlyBoot early;

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
   * Adds to {@code root} the subcommand that {@code args} name, none for {@code --version}, or
   * every subcommand when they name none (or one that does not exist, or {@code help}), so that
   * usage, suggestions and {@code help COMMAND} see them all. Picocli builds a command's model
   * by reflection when it is added, and building all of them was the largest part of a
   * command's start.
   */
  static void addSubcommands(CommandLine root, String... args) {
    String name = subcommandName(args);
    if (name.isEmpty() && asksForVersion(args) && !asksForHelp(args)) {
      return; // the version needs no subcommand
    }
    for (Class<?> command : SUBCOMMANDS) {
      if (!name.equals("help") && command.getAnnotation(Command.class).name().equals(name)) {
        root.addSubcommand(command);
        return;
      }
    }
    SUBCOMMANDS.forEach(root::addSubcommand);
  }

  /** Whether {@code args} hold {@code -h} or {@code --help} (the options every command takes). */
  static boolean asksForHelp(String... args) {
    return List.of(args).contains("-h") || List.of(args).contains("--help");
  }

  /** Whether {@code args} hold the root's {@code -V} or {@code --version}. */
  static boolean asksForVersion(String... args) {
    return List.of(args).contains("-V") || List.of(args).contains("--version");
  }

  // The first argument that is not a root option (nor --config's value).
  static String subcommandName(String... args) {
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
    return configSource(explicit).load(loader);
  }

  ConfigSource configSource(Path explicit) {
    Path home = Path.of(System.getProperty("stowage.home", "")).toAbsolutePath();
    if (explicit != null) {
      return new ConfigSource(Optional.of(explicit), home.resolve("conf"));
    }
    String env = console.env().get("STOWAGE_CONFIG");
    if (env != null && !env.isBlank()) {
      return new ConfigSource(Optional.of(Path.of(env)), home.resolve("conf"));
    }
    Path file = home.resolve("conf").resolve("stowage.yaml");
    return new ConfigSource(Files.isRegularFile(file) ? Optional.of(file) : Optional.empty(),
        home.resolve("conf"));
  }

  /** A host for the configuration {@code --config} names (the subcommand's, else the root's). */
  Host boot(Path explicitConfig) {
    ConfigSource source = configSource(explicitConfig != null ? explicitConfig : config);
    if (early != null) {
      Optional<Host> host = early.take(source);
      if (host.isPresent()) {
        return host.get();
      }
    }
    ConfigLoader loader = new ConfigLoader();
    return Host.boot(source.load(loader), loader);
  }

  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"stowage " + Host.version()};
    }
  }
}
