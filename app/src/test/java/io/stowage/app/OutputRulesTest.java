package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.app.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules every command that writes a file or reads one follows: never the input, never over
 * an existing file without {@code --force}, leftovers of a killed run removed, failed output
 * reported as the output's, inputs that are no image files refused with the reason.
 */
class OutputRulesTest {
  static final Path PLUGINS = DistributionTest.PLUGINS.toAbsolutePath();

  @TempDir Path home;
  Path config;
  Path data;
  Path image;
  String location;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(Files.isDirectory(PLUGINS), "no plugins built in " + PLUGINS + " (run mvn verify)");
    data = home.resolve("data");
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        default_store: local
        stores:
          local: { type: filesystem, datadir: %s }
        """.formatted(PLUGINS, data));
    byte[] bytes = new byte[300_000];
    new java.util.Random(7).nextBytes(bytes);
    image = Files.write(home.resolve("image.raw"), bytes);
    CliRun put = CliRun.run(config, "put", image.toString(), "--id", "one", "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    location = put.json().get("location").asText();
  }

  @Test
  void convertNeverWritesItsInput() throws IOException {
    byte[] before = Files.readAllBytes(image);
    for (String[] args : new String[][] {
        {"disk", "convert", "--to", "raw", image.toString(), image.toString()},
        {"disk", "convert", "--to", "raw", "--force", image.toString(), image.toString()}}) {
      CliRun run = CliRun.run(config, args);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.stderr()).contains("is the input").hasLineCount(1);
    }
    Path link = home.resolve("link.raw");
    Files.createLink(link, image);
    CliRun viaLink = CliRun.run(config, "disk", "convert", "--to", "raw", "--force", image.toString(), link.toString());
    assertThat(viaLink.exitCode()).as("a hard link is the same file").isEqualTo(1);
    assertThat(Files.readAllBytes(image)).isEqualTo(before);
    assertThat(hidden(home)).isEmpty();
  }

  @Test
  void anExistingOutputIsReplacedOnlyWithForce() throws IOException {
    Path out = Files.writeString(home.resolve("out.raw"), "keep me");
    CliRun get = CliRun.run(config, "get", location, "-o", out.toString());
    assertThat(get.exitCode()).isEqualTo(1);
    assertThat(get.stderr()).isEqualTo("stowage: " + out + " exists (--force replaces it)\n");
    CliRun convert = CliRun.run(config, "disk", "convert", "--to", "raw", image.toString(), out.toString());
    assertThat(convert.exitCode()).isEqualTo(1);
    assertThat(Files.readString(out)).isEqualTo("keep me");

    assertThat(CliRun.run(config, "get", location, "-o", out.toString(), "--force").exitCode()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(image));
    assertThat(hidden(home)).isEmpty();
  }

  @Test
  void aRetryRemovesWhatAKilledWriteOfTheSameFileLeft() throws IOException {
    Path abandoned = Files.writeString(home.resolve(".copy.raw.0123456789abcdef.tmp"), "partial");
    Path other = Files.writeString(home.resolve(".other.raw.0123456789abcdef.tmp"), "not ours");
    CliRun get = CliRun.run(config, "get", location, "-o", home.resolve("copy.raw").toString());
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    assertThat(abandoned).doesNotExist();
    assertThat(other).as("another file's leftover is not this command's to remove").exists();
  }

  @Test
  void aFailingStandardOutputIsExitOneWithTheReason() {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Cli(new ByteArrayInputStream(new byte[0]), full, new PrintStream(err, true), Map.of())
        .run("get", location, "--config", config.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("stowage: cannot write to standard output: No space left on device\n");
  }

  @Test
  void aClosedStandardInputIsAUsageError() {
    CliRun run = CliRun.runWithEnv(config, new ByteArrayInputStream(new byte[0]),
        Map.of("STOWAGE_STDIN_CLOSED", "1"), "put", "-");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).isEqualTo("stowage: standard input is closed: give a FILE, or pipe the image in\n");
  }

  @Test
  void inputsThatAreNoImageFilesAreRefusedWithTheReason() {
    CliRun zero = CliRun.run(config, "put", "/dev/zero");
    assertThat(zero.exitCode()).isEqualTo(1);
    assertThat(zero.stderr()).contains("/dev/zero is not a regular file");
    CliRun inspect = CliRun.run(config, "inspect", "/dev/zero");
    assertThat(inspect.exitCode()).isEqualTo(1);
    assertThat(inspect.stderr()).contains("/dev/zero is not a regular file");

    String longName = "x".repeat(120_000);
    CliRun tooLong = CliRun.run(config, "put", longName);
    assertThat(tooLong.exitCode()).isEqualTo(1);
    assertThat(tooLong.stderr()).isEqualTo("stowage: cannot read " + "x".repeat(64)
        + "… (120000 characters): file name too long\n");
    CliRun longLocation = CliRun.run(config, "get", longName);
    assertThat(longLocation.stderr()).hasSizeLessThan(300).hasLineCount(1);
  }

  @Test
  void nestedDataFoldersAndTwoStoresOnOneFolderAreRefused() throws IOException {
    Path nested = Files.writeString(home.resolve("nested.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadirs: ["%s", "%s/inner"] }
        """.formatted(PLUGINS, data, data));
    CliRun put = CliRun.run(nested, "put", image.toString(), "--store", "local");
    assertThat(put.exitCode()).isEqualTo(1);
    assertThat(put.stderr()).contains("are nested");

    Path twice = Files.writeString(home.resolve("twice.yaml"), """
        plugins: { dir: %s }
        stores:
          a: { type: filesystem, datadir: %s }
          b: { type: filesystem, datadir: %s }
        """.formatted(PLUGINS, data, data));
    CliRun stores = CliRun.run(twice, "stores", "--json");
    assertThat(stores.stdout().length + stores.stderr().length()).isPositive();
    assertThat(stores.out() + stores.stderr()).contains("is also a data folder of store");
  }

  private static java.util.List<Path> hidden(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }
}
