package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.api.BadStoreConfigurationException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens, projects, visibility and per-project quota. */
class AuthApiTest {
  @TempDir static Path home;
  static ApiFixture api;

  @BeforeAll
  static void start() throws IOException {
    api = new ApiFixture(home, """
        server:
          auth:
            tokens:
              tok-a: { project: pa, roles: [member] }
              tok-b: { project: pb, roles: [member] }
              tok-admin: { project: ops, roles: [admin] }
        quota:
          per_project: 1MiB
        """);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  HttpResponse<String> as(String token, HttpRequest.Builder r) {
    return api.send(r.header("X-Auth-Token", token));
  }

  HttpResponse<String> create(String token, String body) {
    return as(token, api.request("/v2/images").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void withoutAValidTokenNothingIsRead() {
    ImagesApiTest.assertError(api.get("/v2/images"), 401);
    assertThat(api.get("/v2/images").headers().firstValue("WWW-Authenticate")).isPresent();
    ImagesApiTest.assertError(as("wrong", api.request("/v2/images").GET()), 401);
    ImagesApiTest.assertError(api.post("/v2/images", "{\"name\":\"x\"}"), 401);
    ImagesApiTest.assertError(api.upload("00000000-0000-0000-0000-000000000000", new byte[1 << 20]), 401);
    ImagesApiTest.assertError(api.get("/v2/schemas/image"), 401);
    assertThat(api.get("/versions").statusCode()).as("version discovery is open").isEqualTo(200);
  }

  @Test
  void projectsSeeTheirOwnAndPublicImages() {
    JsonNode mine = ApiFixture.json(create("tok-a", "{\"name\":\"a-private\",\"visibility\":\"private\"}"));
    String id = mine.get("id").asText();
    assertThat(mine.get("owner").asText()).isEqualTo("pa");
    ImagesApiTest.assertError(create("tok-a", "{\"name\":\"x\",\"owner\":\"pb\"}"), 403);
    ImagesApiTest.assertError(create("tok-a", "{\"name\":\"x\",\"visibility\":\"public\"}"), 403);

    ImagesApiTest.assertError(as("tok-b", api.request("/v2/images/" + id).GET()), 404);
    ImagesApiTest.assertError(as("tok-b", api.request("/v2/images/" + id).DELETE()), 404);
    ImagesApiTest.assertError(as("tok-b", api.request("/v2/images/" + id + "/file").GET()), 404);
    JsonNode listB = ApiFixture.json(as("tok-b", api.request("/v2/images").GET()));
    assertThat(listB.get("images").findValuesAsText("id")).doesNotContain(id);
    assertThat(as("tok-admin", api.request("/v2/images/" + id).GET()).statusCode()).isEqualTo(200);
    JsonNode listAdmin = ApiFixture.json(as("tok-admin", api.request("/v2/images").GET()));
    assertThat(listAdmin.get("images").findValuesAsText("id")).contains(id);

    String pub = ApiFixture.json(create("tok-admin", "{\"name\":\"pub\",\"visibility\":\"public\"}")).get("id").asText();
    assertThat(as("tok-b", api.request("/v2/images/" + pub).GET()).statusCode()).isEqualTo(200);
    ImagesApiTest.assertError(as("tok-b", api.request("/v2/images/" + pub)
        .header("Content-Type", ImagesResource.PATCH_TYPE)
        .method("PATCH", HttpRequest.BodyPublishers.ofString("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"mine\"}]"))), 403);
    ImagesApiTest.assertError(as("tok-b", api.request("/v2/images/" + pub).DELETE()), 403);
  }

  @Test
  void quotaIsEnforcedWhileStreaming() throws IOException {
    String id = ApiFixture.json(create("tok-b",
        "{\"name\":\"q\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")).get("id").asText();
    byte[] big = new byte[(1 << 20) + 1];
    new Random(7).nextBytes(big);
    List<Path> before = api.storedFiles();
    HttpResponse<String> declared = as("tok-b", api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(big)));
    ImagesApiTest.assertError(declared, 413);
    HttpResponse<String> chunked = as("tok-b", api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
    ImagesApiTest.assertError(chunked, 413);
    assertThat(api.storedFiles()).isEqualTo(before);
    assertThat(ApiFixture.json(as("tok-b", api.request("/v2/images/" + id).GET())).get("status").asText())
        .isEqualTo("queued");
    HttpResponse<String> fits = as("tok-b", api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(big, 1 << 20))));
    assertThat(fits.statusCode()).as(fits.body()).isEqualTo(204);
    String second = ApiFixture.json(create("tok-b",
        "{\"name\":\"q2\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")).get("id").asText();
    ImagesApiTest.assertError(as("tok-b", api.request("/v2/images/" + second + "/file")
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10]))), 413);
  }

  @Test
  void refusesToListenBeyondLoopbackWithoutTokens() {
    ServerSettings open = new ServerSettings("0.0.0.0", 0, 4, Map.of());
    assertThatThrownBy(() -> ApiServer.start(api.service.service(), open))
        .isInstanceOf(BadStoreConfigurationException.class).hasMessageContaining("server.auth.tokens");
  }
}
