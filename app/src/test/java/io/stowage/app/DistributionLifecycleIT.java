package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution, run as a process: commands that need no store build none, so they
 * leave a configured data folder that does not exist not existing; the first command that uses
 * the store creates it.
 */
class DistributionLifecycleIT {
  static final Path DIST = Path.of(System.getProperty("stowage.test.dist", "target/stowage")).toAbsolutePath();

  @TempDir Path home;
  Path config;
  Path image;

  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void setUp() throws IOException {
    assertThat(DIST.resolve("bin/stowage")).as("the distribution is packaged").isExecutable();
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadir: data/images }
        """.formatted(DIST.resolve("plugins")));
    byte[] bytes = new byte[256 * 1024];
    new Random(7).nextBytes(bytes);
    image = Files.write(home.resolve("image.raw"), bytes);
  }

  Run stowage(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(DIST.resolve("bin/stowage").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    builder.environment().put("STOWAGE_CONFIG", config.toString());
    builder.environment().remove("STOWAGE_DEBUG");
    Process p = builder.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void commandsThatNeedNoStoreLeaveTheDataFolderAlone() throws Exception {
    String[][] commands = {
      {"plugins"},
      {"plugins", "--json"},
      {"inspect", image.toString()},
      {"--config", config.toString(), "inspect", image.toString(), "--json"},
      {"get", "--help"},
      {"help", "get"},
      {"put", "--help"},
      {"disk", "--help"},
      {"--help"},
    };
    for (String[] args : commands) {
      Run run = stowage(args);
      assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isZero();
      assertThat(run.err()).as(String.join(" ", args)).isEmpty();
      assertThat(home.resolve("data")).as(String.join(" ", args) + " touched the data folder").doesNotExist();
    }
    assertThat(stowage("inspect", image.toString()).out()).startsWith("format: raw\n");
    assertThat(stowage("get", "--help").out()).startsWith("Usage: stowage get ");

    Run stores = stowage("stores");
    assertThat(stores.exitCode()).as(stores.err()).isZero();
    assertThat(home.resolve("data/images")).as("the store is built when first used").isDirectory();
  }
}
