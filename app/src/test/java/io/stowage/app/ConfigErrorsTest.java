package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Malformed configuration gives exit code 1 and one line naming the key. */
class ConfigErrorsTest {
  @TempDir Path dir;

  private CliRun storesWith(String yaml) throws IOException {
    Path config = Files.writeString(dir.resolve("stowage.yaml"), yaml);
    return CliRun.run(config, "stores");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      "stores: [1, 2"                                   | is not valid YAML
      "- a\\n- b"                                       | must be a mapping of keys to values
      "colour: blue"                                    | colour: unknown key (known: cache, default_store, hashing, image, plugins, registry, server, stores)
      "hashing: { algorithm: crc7 }"                    | hashing.algorithm: unknown hash algorithm "crc7"
      "hashing: { algo: sha256 }"                       | hashing.algo: unknown key
      "image: { size_cap: lots }"                       | image.size_cap: "lots" is not a size
      "image: { size_cap: 99999999999TiB }"             | image.size_cap: "99999999999TiB" is too large a size
      "stores: { a: { dir: x } }"                       | stores.a.type: is required
      "stores: 7"                                       | stores: must map store ids to store settings
      "stores: { ../up: { type: filesystem } }"         | stores.../up: a store id is 1-64 letters
      "default_store: nope"                             | default_store: names store "nope", which is not configured
      """)
  void malformedConfigurationIsOneLineNamingTheKey(String yaml, String expected) throws IOException {
    CliRun run = storesWith(yaml.replace("\\n", "\n"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).startsWith("stowage: ").contains(expected);
    assertThat(run.stderr().lines()).hasSize(1);
  }

  @Test
  void missingConfigurationFileIsNamed() {
    CliRun run = CliRun.run(dir.resolve("absent.yaml"), "stores");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).isEqualTo("stowage: configuration file " + dir.resolve("absent.yaml") + " does not exist\n");
  }

  @Test
  void emptyConfigurationMeansNoStores() throws IOException {
    CliRun run = storesWith("");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEmpty();
    CliRun put = CliRun.run(dir.resolve("stowage.yaml"), "put", "-");
    assertThat(put.exitCode()).isEqualTo(1);
    assertThat(put.stderr()).isEqualTo("stowage: no store is configured\n");
  }

  @Test
  void usageErrorsExitWithTwo() {
    CliRun unknown = CliRun.run(null, "frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).startsWith("stowage: Unmatched argument at index 0: 'frobnicate'\n");
    CliRun missing = CliRun.run(null, "get");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("Missing required parameter: 'LOCATION'").contains("stowage get --help");
    CliRun negative = CliRun.run(dir.resolve("x.yaml"), "get", "file:///x", "--offset", "-3");
    assertThat(negative.exitCode()).isEqualTo(2);
    CliRun notANumber = CliRun.run(null, "get", "file:///x", "--length", "ten");
    assertThat(notANumber.exitCode()).isEqualTo(2);
  }
}
