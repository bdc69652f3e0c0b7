package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache API of {@code stowage serve} against the real Glance 25.1 (Debian python3-glance)
 * running its xattr cache driver with the cache API open: the same requests to both, for an
 * active image, a queued one (no data), an unknown id and a malformed one; status codes and the
 * JSON of {@code GET /v2/cache} (field names and kinds) must agree. Error bodies are not
 * compared: Glance answers HTML, Stowage JSON.
 *
 * <p>Skipped when python3-glance is not installed; under CI (where .ci/run installs it) that
 * fails instead.
 */
class GlanceCacheApiReferenceTest {
  @TempDir static Path home;
  static ApiFixture stowage;
  static Path glanceDir;
  static String glance;
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    boolean available = ApiFixture.run(home, List.of("/usr/bin/python3", "-c", "import glance"),
        Map.of()).exitCode() == 0;
    if (!available) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("python3-glance is not installed (.ci/run installs it)");
      }
      Assumptions.abort("skipped: python3-glance is not installed, no reference Glance to compare");
    }
    stowage = new ApiFixture(Files.createDirectories(home.resolve("stowage")), """
        cache:
          driver: xattr
          dir: cache
          max_size: 64MiB
          stall_time: 1h
        """);
    glanceDir = Files.createDirectories(home.resolve("glance"));
    Path script = glanceDir.resolve("glance-api.sh");
    try (InputStream in = GlanceCacheApiReferenceTest.class
        .getResourceAsStream("glance-reference-api.sh")) {
      Files.copy(in, script);
    }
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ApiFixture.Run run = ApiFixture.run(glanceDir, List.of("sh", script.toString(),
        glanceDir.resolve("g").toString()), Map.of("PORT", Integer.toString(port)));
    assertThat(run.exitCode()).as("starting the reference Glance: " + run.err()).isZero();
    glance = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() throws IOException {
    if (stowage != null) {
      stowage.close();
    }
    Path pid = glanceDir == null ? null : glanceDir.resolve("g/api.pid");
    if (pid != null && Files.exists(pid)) {
      ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(p -> {
        p.destroy();
        p.onExit().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
      });
    }
  }

  static HttpResponse<String> send(String base, String method, String path,
      Map<String, String> headers, byte[] body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(r::header);
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One side: its base URL and the ids of its images. */
  record Side(String name, String base, String active, String queued) {}

  static Side prepare(String name, String base, byte[] data) throws Exception {
    String create = "{\"name\":\"ref\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}";
    Map<String, String> json = Map.of("Content-Type", "application/json");
    String active = ApiFixture.JSON.readTree(
        send(base, "POST", "/v2/images", json, create.getBytes()).body()).get("id").asText();
    String queued = ApiFixture.JSON.readTree(
        send(base, "POST", "/v2/images", json, create.getBytes()).body()).get("id").asText();
    assertThat(send(base, "PUT", "/v2/images/" + active + "/file",
        Map.of("Content-Type", "application/octet-stream"), data).statusCode())
        .as(name + " upload").isEqualTo(204);
    return new Side(name, base, active, queued);
  }

  /** The requests, in order, and what each answered: "METHOD path [header] -> status". */
  static Map<String, Integer> statuses(Side side) throws Exception {
    Map<String, Integer> out = new LinkedHashMap<>();
    String unknown = "00000000-0000-4000-8000-000000000000";
    String malformed = "not-a-uuid";
    for (String id : List.of(side.active(), side.queued(), unknown, malformed)) {
      out.put("PUT " + label(side, id), send(side.base(), "PUT", "/v2/cache/" + id, Map.of(),
          null).statusCode());
    }
    awaitCached(side);
    out.put("GET /v2/cache", send(side.base(), "GET", "/v2/cache", Map.of(), null).statusCode());
    for (String id : List.of(side.active(), side.queued(), unknown, malformed)) {
      out.put("DELETE " + label(side, id), send(side.base(), "DELETE", "/v2/cache/" + id,
          Map.of(), null).statusCode());
    }
    for (String target : List.of("cache", "queue", "", "CACHE", "Queue", "bogus", "cache,queue")) {
      out.put("DELETE /v2/cache [" + target + "]", send(side.base(), "DELETE", "/v2/cache",
          Map.of("x-image-cache-clear-target", target), null).statusCode());
    }
    out.put("DELETE /v2/cache [no header]",
        send(side.base(), "DELETE", "/v2/cache", Map.of(), null).statusCode());
    return out;
  }

  static String label(Side side, String id) {
    return "/v2/cache/" + (id.equals(side.active()) ? "{active}"
        : id.equals(side.queued()) ? "{queued}" : id);
  }

  static void awaitCached(Side side) throws Exception {
    for (int i = 0; i < 200; i++) {
      JsonNode list = ApiFixture.JSON.readTree(
          send(side.base(), "GET", "/v2/cache", Map.of(), null).body());
      if (list.get("cached_images").size() == 1) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(side.name() + " did not cache the active image it was asked to");
  }

  /** Field names and JSON kinds (an integer is not a float), recursively, arrays by element. */
  static String shape(JsonNode node) {
    if (node.isObject()) {
      List<String> fields = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        fields.add(e.getKey() + ": " + shape(e.getValue()));
      }
      fields.sort(null);
      return "{" + String.join(", ", fields) + "}";
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(n -> items.add(shape(n)));
      return items.toString();
    }
    return node.getNodeType() + (node.isNumber() ? "/" + node.numberType() : "");
  }

  @Test
  void theCacheApiAnswersAsGlanceDoes() throws Exception {
    byte[] data = new byte[100_000];
    new Random(21).nextBytes(data);
    Side s = prepare("stowage", stowage.base(), data);
    Side g = prepare("glance", glance, data);

    // A cached image and a queued one, the listing's JSON shape.
    assertThat(send(s.base(), "PUT", "/v2/cache/" + s.active(), Map.of(), null).statusCode())
        .isEqualTo(202);
    assertThat(send(g.base(), "PUT", "/v2/cache/" + g.active(), Map.of(), null).statusCode())
        .isEqualTo(202);
    awaitCached(s);
    awaitCached(g);
    JsonNode sl = ApiFixture.JSON.readTree(send(s.base(), "GET", "/v2/cache", Map.of(), null).body());
    JsonNode gl = ApiFixture.JSON.readTree(send(g.base(), "GET", "/v2/cache", Map.of(), null).body());
    assertThat(shape(sl)).as("GET /v2/cache: stowage " + sl + " vs glance " + gl)
        .isEqualTo(shape(gl));
    JsonNode se = sl.get("cached_images").get(0);
    JsonNode ge = gl.get("cached_images").get(0);
    assertThat(se.get("size").asLong()).isEqualTo(ge.get("size").asLong()).isEqualTo(data.length);
    assertThat(se.get("hits").asLong()).isEqualTo(ge.get("hits").asLong());
    // Field order as Glance's driver builds its dictionary.
    assertThat(fieldNames(se)).isEqualTo(fieldNames(ge));
    send(s.base(), "DELETE", "/v2/cache", Map.of(), null);
    send(g.base(), "DELETE", "/v2/cache", Map.of(), null);

    Map<String, Integer> stowageAnswers = statuses(s);
    Map<String, Integer> glanceAnswers = statuses(g);
    assertThat(stowageAnswers).as("status codes, Stowage vs Glance").isEqualTo(glanceAnswers);
  }

  /** The field names of an object, in order. */
  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
