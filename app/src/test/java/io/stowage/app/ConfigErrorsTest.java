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
      "colour: blue"                                    | colour: unknown key (known: cache, default_store, hashing, image, plugins, quota, registry, server, stores, uploads) (line 1, column 1)
      "hashing: { algorithm: crc7 }"                    | hashing.algorithm: unknown hash algorithm "crc7"
      "hashing: { algo: sha256 }"                       | hashing.algo: unknown key
      "image: { size_cap: lots }"                       | image.size_cap: "lots" is not a size
      "image: { size_cap: 99999999999TiB }"             | image.size_cap: "99999999999TiB" is too large a size
      "stores: { a: { dir: x } }"                       | stores.a.type: is required
      "stores: 7"                                       | stores: must map store ids to store settings
      "stores: { ../up: { type: filesystem } }"         | stores.../up: a store id is 1-64 letters
      "default_store: nope"                             | default_store: names store "nope", which is not configured
      "image: { size_cap: 1GiB }\nimage: { size_cap: 2GiB }" | image: is given twice (again at line 2, column 1)
      "stores:\n  a: { type: filesystem }\n  a: { type: x }" | stores.a: is given twice (again at line 3, column 3)
      "hashing: { algorithm: [sha256] }"                | hashing.algorithm: expected text
      "plugins: [a]"                                    | plugins: expected a mapping of keys to values
      "plugins: { dir: /nonexistent/stowage-plugins }"  | plugins.dir: /nonexistent/stowage-plugins does not exist
      "hashing: {\n  algorithm: sha256\n  x: ]"       | (line 3, column
      "server: { prot: 9292 }"                          | server.prot: unknown key (known: [host, port, worker_threads, auth]) (line 1, column 11)
      "plugins: { dir: . }\nserver:\n  port: 1\n  prot: 2" | server.prot: unknown key (known: [host, port, worker_threads, auth]) (line 4, column 3)
      "stores:\n  a:\n    dir: x"                      | stores.a.type: is required (for example filesystem) (line 2, column 3)
      "server: { port: 99999 }"                         | server.port: must be 0-65535, not 99999
      "server: { worker_threads: many }"                | server.worker_threads: "many" is not
      "server: { auth: { tokens: { t: { project: '' } } } }"  | server.auth.tokens.t: a token needs a project
      "server: { auth: { tokens: { t: { project: p, role: [admin] } } } }" | server.auth.tokens.t.role: unknown key
      "server: { port: 1 }\nserver: { port: 2 }"       | server: is given twice (again at line 2, column 1)
      "quota: { per_projekt: 1GiB }"                    | quota.per_projekt: unknown key (known: [per_project]) (line 1, column 10)
      "quota: { per_project: lots }"                    | quota.per_project: "lots" is not a size
      """)
  void malformedConfigurationIsOneLineNamingTheKey(String yaml, String expected) throws IOException {
    CliRun run = storesWith(yaml.replace("\\n", "\n"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).startsWith("stowage: ").contains(expected);
    assertThat(run.stderr().lines()).hasSize(1);
  }

  @Test
  void noMessageNamesAJavaClass() throws IOException {
    for (String yaml : new String[] {"plugins: 3", "image: [1]", "image: { size_cap: { a: 1 } }",
        "hashing: 4", "stores: { a: { type: [x] } }", "server: 3", "quota: [1]",
        "server: { auth: { tokens: [1] } }", "server: { auth: { tokens: { t: 5 } } }"}) {
      CliRun run = storesWith(yaml);
      assertThat(run.exitCode()).as(yaml).isEqualTo(1);
      assertThat(run.stderr()).as(yaml).doesNotContain("io.stowage", "java.", "Cannot construct", "`");
      assertThat(run.stderr().lines()).as(yaml).hasSize(1);
    }
  }

  @Test
  void aConfigurationFileOverTheLimitIsRefusedBeforeParsing() throws IOException {
    // One line of 50 MB once took minutes and gigabytes: it must now be refused at once.
    byte[] line = new byte[50 << 20];
    java.util.Arrays.fill(line, (byte) 'a');
    Path config = Files.write(dir.resolve("huge.yaml"), line);
    long start = System.nanoTime();
    CliRun run = CliRun.run(config, "stores");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).isEqualTo("stowage: " + config + " is 1048577 bytes; a configuration file"
        + " may have at most 1048576 bytes\n");
  }

  @Test
  void aFolderOrADanglingLinkIsNotAConfiguration() throws IOException {
    CliRun folder = CliRun.run(dir, "stores");
    assertThat(folder.exitCode()).isEqualTo(1);
    assertThat(folder.stderr()).isEqualTo("stowage: configuration file " + dir + " is a folder\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), dir.resolve("gone.yaml"));
    CliRun dangling = CliRun.run(link, "stores");
    assertThat(dangling.exitCode()).isEqualTo(1);
    assertThat(dangling.stderr()).isEqualTo("stowage: configuration file " + link + " is a link to "
        + dir.resolve("gone.yaml") + ", which does not exist\n");
  }

  @Test
  void aModeWithALeadingZeroMeansTheDigitsAsWritten() throws IOException {
    // YAML 1.1 reads 0640 as octal 416; the host reads the digits, so 0640 and 640 agree.
    Path data = dir.resolve("images");
    Path config = Files.writeString(dir.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        default_store: local
        stores:
          local: { type: filesystem, datadir: %s, file_perm: 0640 }
        """.formatted(System.getProperty("stowage.test.plugins"), data));
    Path image = Files.writeString(dir.resolve("img"), "bytes");
    CliRun put = CliRun.run(config, "put", image.toString(), "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    Path stored = Path.of(java.net.URI.create(put.json().get("location").asText()));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)))
        .isEqualTo("rw-r-----");
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
