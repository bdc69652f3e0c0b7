package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help on every command, and {@code --config} before or after the subcommand. */
class CliErgonomicsTest {
  @TempDir Path dir;

  @Test
  void helpOfACommandIsPrintedBeforeItsParametersAreChecked() {
    for (String[] args : new String[][] {{"get", "--help"}, {"help", "get"}, {"get", "-h"}}) {
      CliRun run = CliRun.run(null, args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).as(String.join(" ", args)).startsWith("Usage: stowage get ")
          .contains("LOCATION").contains("--offset=BYTES");
      assertThat(run.stderr()).isEmpty();
    }
    CliRun nested = CliRun.run(null, "disk", "create", "--help");
    assertThat(nested.exitCode()).isZero();
    assertThat(nested.out()).startsWith("Usage: stowage disk create ");
    CliRun helpOfGroup = CliRun.run(null, "help", "disk");
    assertThat(helpOfGroup.exitCode()).isZero();
    assertThat(helpOfGroup.out()).startsWith("Usage: stowage disk ").contains("resize");

    CliRun missing = CliRun.run(null, "get");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).startsWith("stowage: Missing required parameter: 'LOCATION'");
  }

  @Test
  void versionIsPrintedAloneAndHelpStillListsEveryCommand() {
    for (String flag : new String[] {"--version", "-V"}) {
      CliRun version = CliRun.run(null, flag);
      assertThat(version.exitCode()).isZero();
      assertThat(version.out()).matches("stowage \\d+\\.\\d+\\.\\d+\\S*\n");
    }
    CliRun both = CliRun.run(null, "--version", "--help");
    assertThat(both.exitCode()).isZero();
    assertThat(both.out()).startsWith("Usage: stowage ").contains("put").contains("disk").contains("cache");
  }

  @Test
  void configIsAcceptedBeforeTheSubcommandAndTheSubcommandsWins() throws IOException {
    Path first = Files.writeString(dir.resolve("first.yaml"), """
        plugins: { dir: %s }
        stores: { one: { type: nosuch } }
        """.formatted(dir));
    Path second = Files.writeString(dir.resolve("second.yaml"), """
        plugins: { dir: %s }
        stores: { two: { type: nosuch } }
        """.formatted(dir));
    CliRun before = run("--config", first.toString(), "stores");
    assertThat(before.exitCode()).as(before.stderr()).isZero();
    assertThat(before.out()).startsWith("one (nosuch) unavailable: ");
    CliRun both = run("--config", first.toString(), "stores", "--config", second.toString());
    assertThat(both.out()).startsWith("two (nosuch) unavailable: ");
  }

  private static CliRun run(String... args) {
    return CliRun.runWithEnv(null, new ByteArrayInputStream(new byte[0]), Map.of(), args);
  }
}
