package io.stowage.app.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The training run behind {@code lib/stowage.jsa}, the class-data archive bin/stowage maps at
 * start: the commands whose start-up matters most, run once each in one JVM, so the archive holds
 * the classes of all of them (a JVM dumps one archive, of the classes it loaded). The build runs
 * it through bin/stowage with {@code STOWAGE_CDS_DUMP} set; it is not a command.
 *
 * <p>Arguments: a configuration file whose default store may be written, a scratch folder, and a
 * file to store. Exits 1, naming the command, if one of them fails (the archive is then
 * incomplete, not wrong: bin/stowage still uses it).
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
    String config = args[0];
    Path scratch = Path.of(args[1]);
    String file = args[2];
    String vhdx = scratch.resolve("training.vhdx").toString();
    String raw = scratch.resolve("training.raw").toString();
    String[][] commands = {
        {"put", "--config", config, "--json", file},
        {"disk", "create", "--size", "64MiB", vhdx},
        {"disk", "convert", "--to", "raw", vhdx, raw},
        {"inspect", "--config", config, vhdx},
    };
    int failed = 0;
    for (String[] command : commands) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = new Cli(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
          new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(command);
      if (code != 0) {
        System.err.println("training: " + String.join(" ", command) + ": exit " + code + ": "
            + err.toString(StandardCharsets.UTF_8).strip());
        failed = 1;
      }
    }
    System.exit(failed);
  }
}
