package io.stowage.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stowage image ...} on a local registry and filesystem store, in process. */
class ImageCommandTest {
  static final Path PLUGINS =
      Path.of(System.getProperty("stowage.test.plugins", "target/stowage/plugins")).toAbsolutePath();

  @TempDir Path home;
  Path config;

  record Run(int code, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        registry: { url: "jdbc:sqlite:registry.db" }
        default_store: local
        stores:
          local: { type: filesystem, datadir: images }
        """.formatted(PLUGINS));
  }

  Run stowage(InputStream in, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Cli(in, new PrintStream(out, true), new PrintStream(err, true), Map.of())
        .run(all.toArray(String[]::new));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Run stowage(String... args) {
    return stowage(new ByteArrayInputStream(new byte[0]), args);
  }

  @Test
  void createUploadDownloadShowListUpdateDelete() throws IOException {
    byte[] data = new byte[5 << 20];
    new Random(3).nextBytes(data);
    Path file = Files.write(home.resolve("disk.raw"), data);

    Run created = stowage("image", "create", "--name", "one", "--disk-format", "raw",
        "--container-format", "bare", "--property", "os_distro=debian", "--tag", "t", "--file",
        file.toString(), "--json");
    assertThat(created.code()).as(created.err()).isZero();
    JsonNode image = created.json();
    String id = image.get("id").asText();
    assertThat(image.get("status").asText()).isEqualTo("active");
    assertThat(image.get("size").asLong()).isEqualTo(data.length);
    assertThat(image.get("os_distro").asText()).isEqualTo("debian");
    assertThat(created.err()).as("plain progress lines when not a terminal").contains("uploaded " + data.length + " of " + data.length + " bytes (100%)");

    Run queued = stowage("image", "create", "--name", "two", "--disk-format", "raw", "--container-format", "bare", "--json");
    String two = queued.json().get("id").asText();
    Run uploaded = stowage(new ByteArrayInputStream(data), "image", "upload", two, "-", "--json");
    assertThat(uploaded.code()).as(uploaded.err()).isZero();
    assertThat(uploaded.json().get("checksum").asText()).isEqualTo(image.get("checksum").asText());
    Run again = stowage(new ByteArrayInputStream(data), "image", "upload", two, "-");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).startsWith("stowage: image " + two + " is active").doesNotContain("Exception");

    Path out = home.resolve("out.raw");
    Run downloaded = stowage("image", "download", id, "--file", out.toString());
    assertThat(downloaded.code()).as(downloaded.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(data);
    Files.write(out, new byte[] {7});
    Run kept = stowage("image", "download", id, "--file", out.toString());
    assertThat(kept.code()).isEqualTo(1);
    assertThat(kept.err()).isEqualTo("stowage: " + out + " exists (--force replaces it)\n");
    assertThat(Files.readAllBytes(out)).containsExactly(7);
    Run replaced = stowage("image", "download", id, "--file", out.toString(), "--force");
    assertThat(replaced.code()).as(replaced.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(data);
    Run toStdout = stowage("image", "download", id);
    assertThat(toStdout.out().getBytes(StandardCharsets.ISO_8859_1).length).isPositive();

    Run shown = stowage("image", "show", id, "--json");
    assertThat(shown.json()).isEqualTo(image);
    Run human = stowage("image", "show", id);
    assertThat(human.out()).contains("name: one").contains("status: active");

    Run listed = stowage("image", "list", "--json");
    assertThat(listed.json().get("images").findValuesAsText("id")).containsExactly(two, id);
    assertThat(stowage("image", "list").out()).contains(id).contains("one");

    Run updated = stowage("image", "update", id, "--name", "uno", "--remove-property", "os_distro", "--json");
    assertThat(updated.code()).as(updated.err()).isZero();
    assertThat(updated.json().get("name").asText()).isEqualTo("uno");
    assertThat(updated.json().has("os_distro")).isFalse();

    Run deleted = stowage("image", "delete", id, two, "--json");
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(home.resolve("images").resolve(id)).doesNotExist();
    Run missing = stowage("image", "show", id);
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("stowage: no image found with id " + id + "\n");
  }
}
