package io.stowage.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: $STOWAGE_CONFIG, else conf/stowage.yaml, else built-in defaults).")
  Path config;

  @Option(names = "--json", description = "Print machine-readable JSON.")
  boolean json;
}
