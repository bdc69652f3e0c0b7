package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays flat: {@code stowage serve} in a child JVM with {@code -Xmx128m} takes a 1 GiB
 * upload (curl, fixed length and then chunked) and sends it back whole and from a range past
 * 1 GiB, with the checksums the server recorded.
 */
class LargeImageMemoryTest {
  static final long SIZE = (1L << 30) + (1 << 20); // 1 GiB and 1 MiB

  @TempDir Path home;

  @Test
  void gigabytesThroughA128MegabyteHeap() throws Exception {
    assumeTrue(ApiFixture.have("curl"), "curl is not installed");
    Path image = home.resolve("big.raw");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(SIZE); // mostly holes, with 1 MiB of random data every 64 MiB
      Random random = new Random(42);
      byte[] block = new byte[1 << 20];
      for (long at = 0; at < SIZE; at += 64L << 20) {
        random.nextBytes(block);
        f.seek(at);
        f.write(block);
      }
    }
    String expectedMd5 = md5sum(image);
    Path config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        registry: { url: "jdbc:sqlite:registry.db" }
        default_store: local
        stores:
          local: { type: filesystem, datadir: images }
        """.formatted(ApiFixture.PLUGINS));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process server = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp",
        System.getProperty("java.class.path"), "io.stowage.app.cli.Main", "serve",
        "--config", config.toString(), "--port", "0")
        .redirectError(home.resolve("serve.err").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).as(Files.readString(home.resolve("serve.err"))).startsWith("listening on http://127.0.0.1:");
      String base = line.substring("listening on ".length()).split(" ")[0];
      HttpClient http = HttpClient.newHttpClient();
      for (boolean chunked : List.of(false, true)) {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/images"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"disk_format\":\"raw\",\"container_format\":\"bare\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        String id = ApiFixture.json(created).get("id").asText();
        List<String> upload = chunked
            ? List.of("sh", "-c", "cat \"$1\" | curl -sS -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked'"
                + " -H 'Content-Type: application/octet-stream' -T - \"$2\"", "sh", image.toString(), base + "/v2/images/" + id + "/file")
            : List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                "Content-Type: application/octet-stream", "-T", image.toString(), base + "/v2/images/" + id + "/file");
        ApiFixture.Run put = ApiFixture.run(home, upload, Map.of());
        assertThat(put.out()).as("chunked=" + chunked + " " + put.err()).isEqualTo("204");
        JsonNode shown = ApiFixture.json(http.send(HttpRequest.newBuilder(URI.create(base + "/v2/images/" + id)).build(),
            HttpResponse.BodyHandlers.ofString()));
        assertThat(shown.get("size").asLong()).isEqualTo(SIZE);
        assertThat(shown.get("checksum").asText()).isEqualTo(expectedMd5);

        ApiFixture.Run whole = ApiFixture.run(home, List.of("sh", "-c",
            "curl -sS \"$1\" | md5sum", "sh", base + "/v2/images/" + id + "/file"), Map.of());
        assertThat(whole.out()).startsWith(expectedMd5);
        ApiFixture.Run tail = ApiFixture.run(home, List.of("sh", "-c",
            "curl -sS -H 'Range: bytes=1073741824-' \"$1\" | md5sum; tail -c +1073741825 \"$2\" | md5sum",
            "sh", base + "/v2/images/" + id + "/file", image.toString()), Map.of());
        String[] sums = tail.out().split("\n");
        assertThat(sums[0]).isEqualTo(sums[1]);
      }
      long peakKb = peakRssKb(server.pid());
      System.out.println("serve -Xmx128m peak RSS after 2 x 1 GiB up and down: " + peakKb / 1024 + " MiB");
      assertThat(server.isAlive()).isTrue();
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  static String md5sum(Path file) {
    ApiFixture.Run run = ApiFixture.run(file.getParent(), List.of("md5sum", file.toString()), Map.of());
    return run.out().split(" ")[0];
  }

  static long peakRssKb(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmHWM:")) {
        return Long.parseLong(l.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
