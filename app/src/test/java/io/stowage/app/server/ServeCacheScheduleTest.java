package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stowage serve} in a child JVM runs the cache's prefetcher on its schedule: an image
 * queued through the cache API is cached without anyone downloading it; SIGTERM stops it all.
 */
class ServeCacheScheduleTest {
  @TempDir Path home;

  @Test
  void servePrefetchesQueuedImagesOnItsSchedule() throws Exception {
    Path config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        registry: { url: "jdbc:sqlite:registry.db" }
        default_store: local
        stores:
          local: { type: filesystem, datadir: images }
        cache:
          driver: xattr
          dir: cache
          max_size: 64MiB
          stall_time: 1h
          prefetch_interval: 1s
          prune_interval: 1s
          clean_interval: 1s
        """.formatted(ApiFixture.PLUGINS));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process server = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), "io.stowage.app.cli.Main", "serve",
        "--config", config.toString(), "--port", "0")
        .redirectError(home.resolve("serve.err").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).as(Files.readString(home.resolve("serve.err")))
          .startsWith("listening on http://127.0.0.1:");
      String base = line.substring("listening on ".length()).split(" ")[0];
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/images"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"p\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      String id = ApiFixture.json(created).get("id").asText();
      byte[] data = ImageCacheApiTest.bytes(300_000, 9);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v2/images/" + id + "/file"))
          .header("Content-Type", "application/octet-stream")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v2/cache/" + id))
          .PUT(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(202);

      JsonNode list = null;
      for (int i = 0; i < 100; i++) {
        list = ApiFixture.json(http.send(HttpRequest.newBuilder(URI.create(base + "/v2/cache"))
            .GET().build(), HttpResponse.BodyHandlers.ofString()));
        if (list.get("cached_images").size() == 1) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(list.get("cached_images").get(0).get("image_id").asText()).isEqualTo(id);
      assertThat(list.get("cached_images").get(0).get("size").asLong()).isEqualTo(data.length);
      assertThat(list.get("queued_images")).isEmpty();
      assertThat(Files.readAllBytes(home.resolve("cache").resolve(id))).isEqualTo(data);

      server.destroy(); // SIGTERM: closes the schedule, server and cache, then exits
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(home.resolve("serve.err"))).doesNotContain("Exception");
    } finally {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
