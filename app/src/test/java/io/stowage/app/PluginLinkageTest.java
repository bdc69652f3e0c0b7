package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.api.PluginFailureException;
import io.stowage.api.UnavailableException;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.image.LocalImageService;
import io.stowage.app.plugin.PluginReport;
import io.stowage.app.server.ApiServer;
import io.stowage.app.server.ServerSettings;
import io.stowage.app.service.Failures;
import io.stowage.app.service.PutRequest;
import io.stowage.app.service.StoreStatus;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real plugin jar with a class missing (compiled, then left out of the jar): it loads and
 * builds its store, then fails with {@link NoClassDefFoundError} in the middle of an add. The
 * boundary turns that into a {@link PluginFailureException} naming the plugin, marks the plugin
 * broken, and from then on its store is reported unavailable with the reason — in
 * {@code stowage stores} (the service layer's store list), {@code stowage plugins} and
 * {@code GET /v2/info/stores} — and refuses further calls with a clear 503 instead of hitting
 * the missing class again. Other plugins' stores keep working.
 */
class PluginLinkageTest {
  @TempDir Path home;

  @Test
  void aPluginMissingAClassIsMarkedFailedWhereStoresAreListed() throws Exception {
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    String half = TestStores.folderStore("halfbuilt", "HalfStores", "half", "half")
        .replace("byte[] data = r.data().readAllBytes();",
            "byte[] data = r.data().readAllBytes(); halfbuilt.Missing.check(data);");
    PluginJar.id("halfbuilt").source("halfbuilt.HalfStores", half, true)
        .source("halfbuilt.Missing", """
            package halfbuilt;
            public final class Missing {
              public static void check(byte[] data) {}
            }
            """, false)
        .without("halfbuilt.Missing")
        .writeTo(plugins);
    PluginJar.id("good").source("good.FolderStores",
        TestStores.folderStore("good", "FolderStores", "folder", "fold"), true).writeTo(plugins);
    Path config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: plugins }
        registry: { url: "jdbc:sqlite:registry.db" }
        default_store: broken
        stores:
          broken: { type: half, dir: half-images }
          fine: { type: folder, dir: fine-images }
        """);
    ConfigLoader loader = new ConfigLoader();
    HostConfig hostConfig = loader.load(config);
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    try (Host host = Host.boot(hostConfig, loader);
        LocalImageService images = LocalImageService.open(host);
        ApiServer server = ApiServer.start(images.service(),
            hostConfig.server().listeningOn("127.0.0.1", 0))) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(status(host, "broken").available()).as("the jar loads, the store builds").isTrue();

      // The first add reaches the missing class: 500, one line naming the plugin.
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/images"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"disk_format\":\"raw\",\"container_format\":\"bare\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      String id = json.readTree(created.body()).get("id").asText();
      HttpResponse<String> upload = http.send(HttpRequest.newBuilder(
              URI.create(base + "/v2/images/" + id + "/file"))
          .header("Content-Type", "application/octet-stream")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(upload.statusCode()).as(upload.body()).isEqualTo(500);
      String message = json.readTree(upload.body()).get("error").get("message").asText();
      assertThat(message).contains("plugin halfbuilt failed in Store.add", "NoClassDefFoundError",
          "halfbuilt/Missing").doesNotContain("\n", "\tat ");

      // From now on the store is failed wherever stores are listed.
      StoreStatus broken = status(host, "broken");
      assertThat(broken.available()).isFalse();
      assertThat(broken.problem()).get().asString()
          .contains("plugin halfbuilt is broken", "NoClassDefFoundError", "replace its jar");
      assertThat(status(host, "fine").available()).isTrue();
      PluginReport report = host.plugins().reports().stream()
          .filter(r -> r.id().equals("halfbuilt")).findFirst().orElseThrow();
      assertThat(report.state()).isEqualTo("failed");
      assertThat(report.error()).get().asString().contains("NoClassDefFoundError");

      HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/info/stores"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonNode stores = json.readTree(info.body()).get("stores");
      assertThat(stores.get(0).get("id").asText()).isEqualTo("broken");
      assertThat(stores.get(0).get("available").asBoolean(true)).isFalse();
      assertThat(stores.get(0).get("problem").asText()).contains("plugin halfbuilt is broken");
      assertThat(stores.get(1).has("available")).as("a working store has no problem").isFalse();

      // Further calls are refused clearly (503), the image is back to queued, nothing was kept.
      HttpResponse<String> again = http.send(HttpRequest.newBuilder(
              URI.create(base + "/v2/images/" + id + "/file"))
          .header("Content-Type", "application/octet-stream")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).as(again.body()).isEqualTo(503);
      assertThat(again.body()).contains("plugin halfbuilt is broken");
      assertThatThrownBy(() -> host.imageStorage().put(
              PutRequest.of("direct", new ByteArrayInputStream(new byte[16]))))
          .isInstanceOf(UnavailableException.class)
          .satisfies(e -> assertThat(Failures.httpStatus(e)).isEqualTo(503));
      assertThat(json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v2/images/" + id))
          .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).get("status").asText())
          .isEqualTo("queued");
      assertThat(home.resolve("half-images").resolve(id)).doesNotExist();

      // The other plugin's store is unaffected.
      assertThat(host.imageStorage().put(PutRequest.of("ok", new ByteArrayInputStream(new byte[16]))
          .withStoreId("fine")).result().size()).isEqualTo(16);
    }
  }

  private static StoreStatus status(Host host, String id) {
    Optional<StoreStatus> s = host.imageStorage().stores().stream()
        .filter(x -> x.id().equals(id)).findFirst();
    return s.orElseThrow();
  }
}
