package io.stowage.app.cli;


import io.stowage.app.service.Failures;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Runs one command line against the given streams and environment; returns the exit code:
 * 0 ok, 1 operational error, 2 usage error. Errors are one line on stderr, never a stack trace
 * (set {@code STOWAGE_DEBUG=1} to get one).
 */
public final class Cli {
  static final int OK = 0;
  static final int USAGE = Failures.EXIT_USAGE;

  private final Console console;

  /**
   * {@code out} is standard output; its write errors (a full disk, a closed pipe) fail the
   * command with exit 1. Pass the file's own stream rather than a {@link PrintStream} to get the
   * reason in the message.
   */
  public Cli(InputStream in, OutputStream out, PrintStream err, Map<String, String> env) {
    CheckedOutput stdout = new CheckedOutput(out);
    this.console = new Console(in, new PrintStream(stdout, false, StandardCharsets.UTF_8), err, env,
        stdout);
  }

  public int run(String... args) {
    PrintWriter err = new PrintWriter(new OutputStreamWriter(console.err(), StandardCharsets.UTF_8), true);
    StowageCommand root = new StowageCommand(console);
    try (EarlyBoot early = EarlyBoot.start(root, StowageCommand.subcommandName(args), args)
        .orElse(null)) {
      root.early = early;
      return run(root, err, args);
    }
  }

  private int run(StowageCommand root, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(root);
    StowageCommand.addSubcommands(cli, args);
    addHelpOptions(cli);
    cli.setOut(new PrintWriter(new OutputStreamWriter(console.out(), StandardCharsets.UTF_8), true));
    cli.setErr(err);
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("stowage: " + firstLine(e.getMessage()));
      String path = commandPath(e.getCommandLine());
      err.println("(see 'stowage " + (path.isEmpty() ? "" : path + " ") + "--help')");
      return USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (console.env().containsKey("STOWAGE_DEBUG")) {
        e.printStackTrace(console.err());
      }
      // A failed standard output is the reason, whatever the command made of it (a store reading
      // into it reports a failed read).
      if (e instanceof CheckedOutput.ResultLost) {
        err.println("stowage: " + e.getMessage());
        return Failures.EXIT_FAILED;
      }
      if (console.stdout().failure().isPresent()) {
        err.println("stowage: " + CheckedOutput.message(console.stdout().failure().get()));
        return Failures.EXIT_FAILED;
      }
      err.println("stowage: " + firstLine(e instanceof UsageException ? e.getMessage() : Failures.message(e)));
      return e instanceof UsageException ? USAGE : Failures.exitCode(e);
    });
    int code = cli.execute(args);
    console.out().flush();
    if (code == OK && console.stdout().failure().isPresent()) {
      err.println("stowage: " + CheckedOutput.message(console.stdout().failure().get()));
      code = Failures.EXIT_FAILED;
    }
    err.flush();
    return code;
  }

  // Every command answers -h/--help with its usage, before any required parameter is checked.
  private static void addHelpOptions(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
      spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
          .description("Show this help and exit.").build());
    }
    command.getSubcommands().values().forEach(Cli::addHelpOptions);
  }

  private static String firstLine(String s) {
    return shortLine(s == null ? "" : s.strip().split("\\R", 2)[0]);
  }

  /**
   * The last guard of "one short line": whatever quoted a long argument whole (picocli, a
   * plugin) is cut, with its length said.
   */
  static String shortLine(String line) {
    return line.length() <= MAX_LINE ? line
        : line.substring(0, MAX_LINE) + "… (" + line.length() + " characters)";
  }

  private static final int MAX_LINE = 1000;

  private static String commandPath(CommandLine c) {
    return c.getCommandSpec().qualifiedName(" ").replaceFirst("^stowage ?", "").trim();
  }
}
