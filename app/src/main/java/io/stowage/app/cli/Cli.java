package io.stowage.app.cli;


import io.stowage.app.service.Failures;
import java.io.InputStream;
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

  public Cli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    this.console = new Console(in, out, err, env);
  }

  public int run(String... args) {
    PrintWriter err = new PrintWriter(new OutputStreamWriter(console.err(), StandardCharsets.UTF_8), true);
    CommandLine cli = new CommandLine(new StowageCommand(console));
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
      err.println("stowage: " + (e instanceof UsageException ? e.getMessage() : Failures.message(e)));
      return e instanceof UsageException ? USAGE : Failures.exitCode(e);
    });
    int code = cli.execute(args);
    err.flush();
    console.out().flush();
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
    return s == null ? "" : s.strip().split("\\R", 2)[0];
  }

  private static String commandPath(CommandLine c) {
    return c.getCommandSpec().qualifiedName(" ").replaceFirst("^stowage ?", "").trim();
  }
}
