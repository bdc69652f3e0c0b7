package io.stowage.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.BadStoreConfigurationException;
import io.stowage.app.Host;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host booted beside the command-line parse is used only for the configuration it read. */
class EarlyBootTest {
  @TempDir Path dir;
  Path config;
  StowageCommand root;

  @BeforeEach
  void setUp() throws IOException {
    config = Files.writeString(dir.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        stores: { one: { type: nosuch } }
        """.formatted(dir));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    root = new StowageCommand(new Console(new ByteArrayInputStream(new byte[0]),
        new PrintStream(out), new PrintStream(new ByteArrayOutputStream()), Map.of(),
        new CheckedOutput(out)));
  }

  @Test
  void theCommandTakesTheHostBootedFromTheSameConfiguration() {
    for (String[] args : new String[][] {
        {"stores", "--config", config.toString()},
        {"--config=" + config, "stores"},
        {"--config", config.toString(), "put", "file"}}) {
      String command = StowageCommand.subcommandName(args);
      try (EarlyBoot early = EarlyBoot.start(root, command, args).orElseThrow()) {
        Optional<Host> host = early.take(root.configSource(config));
        assertThat(host).as(String.join(" ", args)).isPresent();
        assertThat(host.get().config().stores()).containsOnlyKeys("one");
        assertThat(early.take(root.configSource(config))).as("taken once").isEmpty();
        host.get().close();
      }
    }
  }

  @Test
  void anotherConfigurationIsNotServedByTheEarlyHost() throws IOException {
    Path other = Files.writeString(dir.resolve("other.yaml"), "stores: {}\n");
    try (EarlyBoot early = EarlyBoot.start(root, "stores", "stores", "--config", config.toString())
        .orElseThrow()) {
      assertThat(early.take(root.configSource(other))).isEmpty();
      assertThat(early.take(root.configSource(null))).isEmpty();
    }
  }

  @Test
  void nothingBootsEarlyForHelpServeOrAnAmbiguousConfiguration() {
    assertThat(EarlyBoot.start(root, "stores", "stores", "--help")).isEmpty();
    assertThat(EarlyBoot.start(root, "put", "put", "-h", "x")).isEmpty();
    assertThat(EarlyBoot.start(root, "serve", "serve")).isEmpty();
    assertThat(EarlyBoot.start(root, "", "--version")).isEmpty();
    assertThat(EarlyBoot.start(root, "stores",
        "--config", "a.yaml", "stores", "--config", "b.yaml")).isEmpty();
  }

  @Test
  void aConfigurationErrorReachesTheCommandAsItWasThrown() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "stores: { one: { type: filesystem, datadir: [ } }\n");
    try (EarlyBoot early = EarlyBoot.start(root, "stores", "stores", "--config", bad.toString())
        .orElseThrow()) {
      assertThatThrownBy(() -> early.take(root.configSource(bad)))
          .isInstanceOf(BadStoreConfigurationException.class)
          .hasMessageContaining(bad.getFileName().toString());
    }
  }
}
