package io.stowage.app.cli;


import io.stowage.api.StowageException;
import io.stowage.app.plugin.PluginErrors;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs one command line against the given streams and environment; returns the exit code:
 * 0 ok, 1 operational error, 2 usage error. Errors are one line on stderr, never a stack trace
 * (set {@code STOWAGE_DEBUG=1} to get one).
 */
public final class Cli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private final Console console;

  public Cli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    this.console = new Console(in, out, err, env);
  }

  public int run(String... args) {
    PrintWriter err = new PrintWriter(new OutputStreamWriter(console.err(), StandardCharsets.UTF_8), true);
    CommandLine cli = new CommandLine(new StowageCommand(console));
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
      err.println("stowage: " + message(e));
      return e instanceof UsageException ? USAGE : FAILED;
    });
    int code = cli.execute(args);
    err.flush();
    console.out().flush();
    return code;
  }

  static String message(Throwable e) {
    if (e instanceof StowageException || e instanceof UsageException) {
      return firstLine(e.getMessage());
    }
    if (e instanceof java.io.UncheckedIOException u) {
      return firstLine(u.getCause().getMessage());
    }
    return "internal error: " + PluginErrors.oneLine(e);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.strip().split("\\R", 2)[0];
  }

  private static String commandPath(CommandLine c) {
    return c.getCommandSpec().qualifiedName(" ").replaceFirst("^stowage ?", "").trim();
  }
}
