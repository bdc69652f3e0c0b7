package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code bin/stowage} with standard streams that do not work: a closed standard
 * input is a usage error (not the JVM's own {@code lib/modules} read as the image), and output
 * that cannot be written (a full device, a closed descriptor) is exit 1 with one line.
 */
class StandardStreamsIT {
  static final Path DIST = DistributionLifecycleIT.DIST;

  @TempDir Path home;
  Path config;
  Path data;

  @BeforeEach
  void setUp() throws IOException {
    assertThat(DIST.resolve("bin/stowage")).as("the distribution is packaged").isExecutable();
    data = home.resolve("data");
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        default_store: local
        stores:
          local: { type: filesystem, datadir: %s }
        """.formatted(DIST.resolve("plugins"), data));
  }

  record Run(int code, String out, String err) {}

  private Run sh(String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script)
        .directory(home.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private String stowage() {
    return "'" + DIST.resolve("bin/stowage") + "'";
  }

  private List<Path> images() throws IOException {
    if (!Files.isDirectory(data)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(data)) {
      return s.toList();
    }
  }

  @Test
  void aClosedStandardInputIsAUsageErrorAndStoresNothing() throws Exception {
    Run run = sh(stowage() + " put - --config '" + config + "' <&-");
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("stowage: standard input is closed: give a FILE, or pipe the image in\n");
    assertThat(images()).isEmpty();
  }

  @Test
  void aClosedStandardInputIsSeenWithoutTheLauncherToo() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Run run = sh("'" + java + "' -cp '" + DIST.resolve("lib") + "/*' io.stowage.app.cli.Main put - --config '"
        + config + "' <&-");
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("standard input is closed");
    assertThat(images()).isEmpty();
  }

  @Test
  void getToAFullDeviceOrAClosedOutputFails() throws Exception {
    Path image = home.resolve("image");
    Files.write(image, new byte[1 << 20]);
    Run put = sh(stowage() + " put '" + image + "' --id one --config '" + config + "'");
    assertThat(put.code()).as(put.err()).isZero();
    String location = data.resolve("one").toUri().toString();

    Run full = sh(stowage() + " get '" + location + "' --config '" + config + "' >/dev/full");
    assertThat(full.code()).isEqualTo(1);
    assertThat(full.err()).isEqualTo("stowage: cannot write to standard output: No space left on device\n");

    Run closed = sh(stowage() + " get '" + location + "' --config '" + config + "' >&-");
    assertThat(closed.code()).isEqualTo(1);
    assertThat(closed.err()).startsWith("stowage: cannot write to standard output: ").hasLineCount(1);
  }

  @Test
  void putWhoseRecordIsLostSaysWhereTheImageWent() throws Exception {
    Path image = Files.write(home.resolve("image"), new byte[] {1, 2, 3});
    Run put = sh(stowage() + " put '" + image + "' --id two --config '" + config + "' >/dev/full");
    assertThat(put.code()).isEqualTo(1);
    assertThat(put.err()).isEqualTo("stowage: stored " + data.resolve("two").toUri()
        + ", but cannot write to standard output: No space left on device\n");
  }
}
