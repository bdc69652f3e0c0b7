package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image metadata over HTTP, compared field by field with what the real Glance 25.1 answers. */
class ImagesApiTest {
  @TempDir static Path home;
  static ApiFixture api;

  @BeforeAll
  static void start() throws IOException {
    api = new ApiFixture(home, "");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static void assertRequestId(HttpResponse<?> r) {
    assertThat(r.headers().firstValue("X-Openstack-Request-Id")).get().asString()
        .matches("req-[0-9a-f-]{36}");
  }

  static void assertError(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertRequestId(r);
    JsonNode error = ApiFixture.json(r).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(status);
    assertThat(error.get("message").asText()).isNotBlank().doesNotContain("\n")
        .doesNotContain("Exception").doesNotContain("at io.");
  }

  @Test
  void versionsAndSchemas() {
    HttpResponse<String> versions = api.get("/versions");
    assertThat(versions.statusCode()).isEqualTo(200);
    assertRequestId(versions);
    JsonNode v = ApiFixture.json(versions).get("versions");
    assertThat(v.get(0).get("id").asText()).isEqualTo("v2.16");
    assertThat(v.get(0).get("status").asText()).isEqualTo("CURRENT");
    assertThat(v.get(0).get("links").get(0).get("href").asText()).isEqualTo(api.base() + "/v2/");

    JsonNode schema = ApiFixture.json(api.get("/v2/schemas/image"));
    assertThat(schema.get("name").asText()).isEqualTo("image");
    assertThat(schema.get("properties").has("disk_format")).isTrue();
    assertThat(schema.get("properties").has("stores"))
        .as("glanceclient 4.1 breaks on a schema property named like its --stores option").isFalse();
    assertThat(schema.get("additionalProperties").get("type").asText()).isEqualTo("string");
    JsonNode list = ApiFixture.json(api.get("/v2/schemas/images"));
    assertThat(list.get("properties").get("images").get("items").get("name").asText()).isEqualTo("image");

    JsonNode stores = ApiFixture.json(api.get("/v2/info/stores")).get("stores");
    assertThat(stores).hasSize(2);
    assertThat(stores.get(0).get("id").asText()).isEqualTo("local");
    assertThat(stores.get(0).get("default").asBoolean()).isTrue();
  }

  @Test
  void createShowPatchDeleteLikeGlance() {
    HttpResponse<String> created = api.post("/v2/images", """
        {"name":"a","disk_format":"raw","container_format":"bare","foo":"bar","tags":["t1"],"min_ram":512}
        """);
    assertThat(created.statusCode()).isEqualTo(201);
    assertRequestId(created);
    JsonNode image = ApiFixture.json(created);
    String id = image.get("id").asText();
    assertThat(created.headers().firstValue("Location")).contains(api.base() + "/v2/images/" + id);
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(image.get("status").asText()).isEqualTo("queued");
    assertThat(image.get("visibility").asText()).isEqualTo("shared");
    assertThat(image.get("foo").asText()).isEqualTo("bar");
    assertThat(image.get("min_ram").asInt()).isEqualTo(512);
    assertThat(image.get("size").isNull()).isTrue();
    assertThat(image.get("checksum").isNull()).isTrue();
    assertThat(image.get("protected").asBoolean()).isFalse();
    assertThat(image.get("self").asText()).isEqualTo("/v2/images/" + id);
    assertThat(image.get("file").asText()).isEqualTo("/v2/images/" + id + "/file");
    assertThat(image.get("schema").asText()).isEqualTo("/v2/schemas/image");
    assertThat(image.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    List<String> fields = new ArrayList<>();
    image.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).contains("name", "disk_format", "container_format", "visibility", "size",
        "virtual_size", "status", "checksum", "protected", "min_ram", "min_disk", "owner",
        "os_hidden", "os_hash_algo", "os_hash_value", "id", "created_at", "updated_at", "tags");

    assertThat(ApiFixture.json(api.get("/v2/images/" + id))).isEqualTo(image);

    HttpResponse<String> patched = api.patch("/v2/images/" + id, """
        [{"op":"replace","path":"/name","value":"b"},{"op":"add","path":"/x","value":"y"},
         {"op":"remove","path":"/foo"},{"op":"replace","path":"/tags","value":["a","b"]}]
        """);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    JsonNode p = ApiFixture.json(patched);
    assertThat(p.get("name").asText()).isEqualTo("b");
    assertThat(p.get("x").asText()).isEqualTo("y");
    assertThat(p.has("foo")).isFalse();
    assertThat(p.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");

    HttpResponse<String> json = api.send(api.request("/v2/images/" + id)
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("[]")));
    assertError(json, 415);
    assertThat(json.headers().firstValue("Accept-Patch")).contains(ImagesResource.PATCH_TYPE);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"active\"}]"), 403);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"replace\",\"path\":\"/checksum\",\"value\":\"x\"}]"), 403);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"remove\",\"path\":\"/name\"}]"), 403);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"remove\",\"path\":\"/nope\"}]"), 409);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"replace\",\"path\":\"/min_ram\",\"value\":\"5\"}]"), 400);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"replace\",\"path\":\"/x\",\"value\":5}]"), 400);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"move\",\"path\":\"/name\",\"from\":\"/x\"}]"), 400);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"replace\",\"path\":\"/name\"}]"), 400);
    assertError(api.patch("/v2/images/" + id, "{}"), 400);
    assertError(api.patch("/v2/images/" + id, "[{\"op\":\"replace\",\"path\":\"/disk_format\",\"value\":\"bogus\"}]"), 400);
    assertThat(ApiFixture.json(api.get("/v2/images/" + id)).get("name").asText())
        .as("a refused patch changes nothing").isEqualTo("b");
    HttpResponse<String> notAll = api.patch("/v2/images/" + id,
        "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"c\"},{\"op\":\"replace\",\"path\":\"/size\",\"value\":1}]");
    assertError(notAll, 403);
    assertThat(ApiFixture.json(api.get("/v2/images/" + id)).get("name").asText())
        .as("a patch applies whole or not at all").isEqualTo("b");

    assertThat(api.send(api.request("/v2/images/" + id + "/tags/hello").PUT(HttpRequest.BodyPublishers.noBody()))
        .statusCode()).isEqualTo(204);
    assertThat(ApiFixture.json(api.get("/v2/images/" + id)).get("tags").toString()).contains("hello");
    assertError(api.delete("/v2/images/" + id + "/tags/nope"), 404);
    assertThat(api.delete("/v2/images/" + id + "/tags/hello").statusCode()).isEqualTo(204);

    assertThat(api.delete("/v2/images/" + id).statusCode()).isEqualTo(204);
    assertError(api.get("/v2/images/" + id), 404);
    assertError(api.delete("/v2/images/" + id), 404);
  }

  @Test
  void createRefusesWhatClientsCannotSet() {
    assertError(api.post("/v2/images", "{\"name\":\"p\",\"status\":\"active\"}"), 403);
    assertError(api.post("/v2/images", "{\"name\":\"p\",\"size\":5}"), 403);
    assertError(api.post("/v2/images", "{\"name\":\"p\",\"locations\":[]}"), 403);
    assertError(api.post("/v2/images", "{\"name\":\"p\",\"disk_format\":\"bogus\"}"), 400);
    assertError(api.post("/v2/images", "{\"id\":\"not-a-uuid\"}"), 400);
    assertError(api.post("/v2/images", "[1]"), 400);
    assertError(api.post("/v2/images", "{\"name\":"), 400);
    assertError(api.send(api.request("/v2/images").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415);
    assertError(api.post("/v2/images", "{\"name\":\"" + "x".repeat(2 << 20) + "\"}"), 413);
    String id = "3e8b8c65-8f5e-4c56-9c0e-7a0d4c1b2a11";
    assertThat(api.post("/v2/images", "{\"id\":\"" + id + "\"}").statusCode()).isEqualTo(201);
    assertError(api.post("/v2/images", "{\"id\":\"" + id + "\"}"), 409);
  }

  @Test
  void protectedImagesAreNotDeleted() {
    String id = ApiFixture.json(api.post("/v2/images", "{\"name\":\"p\",\"protected\":true}")).get("id").asText();
    assertError(api.delete("/v2/images/" + id), 403);
    api.patch("/v2/images/" + id, "[{\"op\":\"replace\",\"path\":\"/protected\",\"value\":false}]");
    assertThat(api.delete("/v2/images/" + id).statusCode()).isEqualTo(204);
  }

  @Test
  void pagesFollowNextLinksAndSort() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(api.create("page-" + i));
    }
    List<String> seen = new ArrayList<>();
    String next = "/v2/images?limit=2&name=page-0";
    JsonNode only = ApiFixture.json(api.get(next));
    assertThat(only.get("images")).hasSize(1);
    assertThat(only.has("next")).isFalse();
    assertThat(only.get("first").asText()).isEqualTo("/v2/images?limit=2&name=page-0");

    next = "/v2/images?limit=2&sort=name:asc";
    int pages = 0;
    while (next != null) {
      JsonNode page = ApiFixture.json(api.get(next));
      page.get("images").forEach(i -> {
        if (i.get("name").asText().startsWith("page-")) {
          seen.add(i.get("id").asText());
        }
      });
      next = page.has("next") ? page.get("next").asText() : null;
      pages++;
    }
    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(ids);
    assertError(api.get("/v2/images?limit=abc"), 400);
    assertError(api.get("/v2/images?sort=bogus:asc"), 400);
    assertError(api.get("/v2/images?marker=00000000-0000-0000-0000-000000000000"), 400);
  }

  @Test
  void unknownResourcesAndMethods() {
    assertError(api.get("/v2/images/00000000-0000-0000-0000-000000000000"), 404);
    assertError(api.get("/v2/nothing"), 404);
    assertError(api.send(api.request("/v2/images").DELETE()), 405);
    assertError(api.get("/v2/images/00000000-0000-0000-0000-000000000000/progress"), 404);
  }
}
