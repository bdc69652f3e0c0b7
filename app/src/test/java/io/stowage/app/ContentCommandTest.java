package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stowage content ...} against the store-content plugin jar, in-process. */
class ContentCommandTest {
  @TempDir Path dir;
  Path config;
  byte[] data;
  Path file;
  String digest;

  @BeforeEach
  void setUp() throws Exception {
    config = dir.resolve("stowage.yaml");
    Files.writeString(config, """
        plugins:
          dir: %s
        default_store: blobs
        stores:
          blobs:
            type: content
            root: content
        """.formatted(System.getProperty("stowage.test.plugins")));
    data = new byte[3 * 1024 * 1024 + 11];
    new Random(7).nextBytes(data);
    file = Files.write(dir.resolve("data.bin"), data);
    digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void ingestsListsLabelsAndRemoves() {
    CliRun ingest = CliRun.run(config, "content", "ingest", "--ref", "layer", "--json",
        "--label", "app=web", "--expected", digest, file.toString());
    assertThat(ingest.exitCode()).as(ingest.stderr()).isZero();
    assertThat(ingest.json().get("digest").asText()).isEqualTo(digest);
    assertThat(ingest.json().get("outcome").asText()).isEqualTo("created");

    CliRun again = CliRun.run(config, "content", "ingest", "--ref", "other", "--json",
        file.toString());
    assertThat(again.json().get("outcome").asText()).isEqualTo("already exists");

    JsonNode ls = CliRun.run(config, "content", "ls", "--json", "labels.app==web").json();
    assertThat(ls).hasSize(1);
    assertThat(ls.get(0).get("size").asLong()).isEqualTo(data.length);
    assertThat(CliRun.run(config, "content", "ls", "--json", "labels.app==db").json()).isEmpty();

    CliRun label = CliRun.run(config, "content", "label", "--json", digest, "app=", "tier=1");
    assertThat(label.json().get("labels").toString()).isEqualTo("{\"tier\":\"1\"}");
    assertThat(CliRun.run(config, "content", "info", "--json", digest).json()
        .get("labels").get("tier").asText()).isEqualTo("1");

    assertThat(CliRun.run(config, "content", "rm", digest).exitCode()).isZero();
    CliRun gone = CliRun.run(config, "content", "info", digest);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.stderr().strip()).isEqualTo("stowage: content " + digest + " not found");
  }

  @Test
  void anInterruptedIngestResumesWhereItStopped() {
    int cut = 2 * 1024 * 1024 + 5;
    InputStream failing = new InputStream() {
      final ByteArrayInputStream head = new ByteArrayInputStream(data, 0, cut);

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = head.read(b, off, len);
        if (n < 0) {
          throw new IOException("connection reset");
        }
        return n;
      }
    };
    CliRun broken = CliRun.runWithInput(config, failing, "content", "ingest", "--ref", "big", "-");
    assertThat(broken.exitCode()).isEqualTo(1);
    assertThat(broken.stderr()).contains("connection reset").doesNotContain("\tat ");

    JsonNode status = CliRun.run(config, "content", "status", "--json").json();
    assertThat(status).hasSize(1);
    assertThat(status.get(0).get("ref").asText()).isEqualTo("big");
    assertThat(status.get(0).get("offset").asLong()).isEqualTo(cut);

    CliRun resumed = CliRun.run(config, "content", "ingest", "--ref", "big", "--json",
        "--expected", digest, file.toString());
    assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
    assertThat(resumed.json().get("resumed_from").asLong()).isEqualTo(cut);
    assertThat(resumed.json().get("digest").asText()).isEqualTo(digest);
    assertThat(CliRun.run(config, "content", "status", "--json").json()).isEmpty();
  }

  @Test
  void aWrongExpectedDigestKeepsTheIngestAndAbortRemovesIt() {
    String wrong = "sha256:" + "0".repeat(64);
    CliRun bad = CliRun.run(config, "content", "ingest", "--ref", "x", "--expected", wrong,
        file.toString());
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.stderr()).contains(wrong).contains(digest).contains("kept");
    assertThat(CliRun.run(config, "content", "status", "x", "--json").json()
        .get("offset").asLong()).isEqualTo(data.length);
    assertThat(CliRun.run(config, "content", "abort", "x").exitCode()).isZero();
    CliRun none = CliRun.run(config, "content", "status", "x");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.stderr()).contains("no ingest with ref \"x\"");
  }

  @Test
  void badDigestsAreOneLineErrors() {
    CliRun bad = CliRun.run(config, "content", "info", "sha256:../../etc/passwd");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.stderr().strip().lines()).hasSize(1);
    assertThat(bad.stderr()).contains("invalid sha256 digest");
  }
}
