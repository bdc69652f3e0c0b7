package io.stowage.app.cli;

/** The {@code stowage} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Plugins' failures are reported by `stowage plugins`; logs (with stack traces) only on request.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getenv().getOrDefault("STOWAGE_LOG", "off"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    int code = new Cli(System.in, System.out, System.err, System.getenv()).run(args);
    System.out.flush();
    System.exit(code);
  }
}
