package io.stowage.app;

import io.stowage.app.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One in-process run of the {@code stowage} command line. */
record CliRun(int exitCode, byte[] stdout, String stderr) {

  static CliRun run(Path config, String... args) {
    return runWithInput(config, new ByteArrayInputStream(new byte[0]), args);
  }

  static CliRun runWithInput(Path config, InputStream in, String... args) {
    return runWithEnv(config, in, Map.of(), args);
  }

  static CliRun runWithEnv(Path config, InputStream in, Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (config != null) {
      all.add("--config");
      all.add(config.toString());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Cli(in, new PrintStream(out, true), new PrintStream(err, true), env)
        .run(all.toArray(String[]::new));
    return new CliRun(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  String out() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  com.fasterxml.jackson.databind.JsonNode json() {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + out() + "\nstderr: " + stderr, e);
    }
  }
}
