package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image sharing over HTTP, with Glance's rules and status codes (checked against Glance 25.1):
 * owner pa shares with pb; pc is a stranger; ops is admin.
 */
class MembersApiTest {
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
              tok-c: { project: pc, roles: [member] }
              tok-admin: { project: ops, roles: [admin] }
        """);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static HttpResponse<String> as(String token, HttpRequest.Builder r) {
    return api.send(r.header("X-Auth-Token", token));
  }

  static HttpResponse<String> get(String token, String path) {
    return as(token, api.request(path).GET());
  }

  static HttpResponse<String> post(String token, String path, String json) {
    return as(token, api.request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  static HttpResponse<String> put(String token, String path, String json) {
    return as(token, api.request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  static HttpResponse<String> delete(String token, String path) {
    return as(token, api.request(path).DELETE());
  }

  static String image(String token, String body) {
    HttpResponse<String> r = post(token, "/v2/images", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ApiFixture.json(r).get("id").asText();
  }

  static List<String> listed(String token, String query) {
    HttpResponse<String> r = get(token, "/v2/images" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return ApiFixture.json(r).get("images").findValuesAsText("id");
  }

  @Test
  void theOwnerSharesAndTheMemberAnswers() {
    String id = image("tok-a", "{\"name\":\"to-share\",\"visibility\":\"shared\"}");
    String members = "/v2/images/" + id + "/members";
    ImagesApiTest.assertError(get("tok-b", "/v2/images/" + id), 404);

    HttpResponse<String> added = post("tok-a", members, "{\"member\":\"pb\"}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
    JsonNode member = ApiFixture.json(added);
    assertThat(member.get("member_id").asText()).isEqualTo("pb");
    assertThat(member.get("image_id").asText()).isEqualTo(id);
    assertThat(member.get("status").asText()).isEqualTo("pending");
    assertThat(member.get("schema").asText()).isEqualTo("/v2/schemas/member");
    assertThat(member.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(ApiFixture.json(post("tok-a", members, "{\"member\":\"pc2\"}")).get("status").asText())
        .isEqualTo("pending");
    ImagesApiTest.assertError(post("tok-a", members, "{\"member\":\"pb\"}"), 409);

    // The member sees the image while pending, but lists it only once it accepted.
    assertThat(get("tok-b", "/v2/images/" + id).statusCode()).isEqualTo(200);
    assertThat(listed("tok-b", "")).doesNotContain(id);
    assertThat(listed("tok-b", "?member_status=pending")).contains(id);
    assertThat(listed("tok-b", "?member_status=all")).contains(id);
    assertThat(listed("tok-b", "?visibility=shared&member_status=pending")).containsExactly(id);

    // The owner sees every membership, a member only its own, a stranger nothing.
    JsonNode all = ApiFixture.json(get("tok-a", members));
    assertThat(all.get("schema").asText()).isEqualTo("/v2/schemas/members");
    assertThat(all.get("members").findValuesAsText("member_id")).containsExactly("pb", "pc2");
    assertThat(ApiFixture.json(get("tok-b", members)).get("members").findValuesAsText("member_id"))
        .containsExactly("pb");
    ImagesApiTest.assertError(get("tok-c", members), 404);
    ImagesApiTest.assertError(get("tok-b", members + "/pc2"), 404);
    assertThat(get("tok-b", members + "/pb").statusCode()).isEqualTo(200);

    // Only the member answers: not the owner, not another member.
    ImagesApiTest.assertError(put("tok-a", members + "/pb", "{\"status\":\"accepted\"}"), 403);
    ImagesApiTest.assertError(put("tok-b", members + "/pc2", "{\"status\":\"accepted\"}"), 404);
    ImagesApiTest.assertError(put("tok-b", members + "/pb", "{\"status\":\"bogus\"}"), 400);
    ImagesApiTest.assertError(put("tok-b", members + "/pb", "{}"), 400);
    HttpResponse<String> accepted = put("tok-b", members + "/pb", "{\"status\":\"accepted\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(ApiFixture.json(accepted).get("status").asText()).isEqualTo("accepted");
    assertThat(listed("tok-b", "")).contains(id);
    assertThat(listed("tok-b", "?member_status=rejected")).doesNotContain(id);
    assertThat(put("tok-b", members + "/pb", "{\"status\":\"rejected\"}").statusCode()).isEqualTo(200);
    assertThat(listed("tok-b", "")).doesNotContain(id);
    assertThat(listed("tok-b", "?member_status=rejected")).contains(id);
    assertThat(get("tok-b", "/v2/images/" + id).statusCode()).as("rejected still reads it").isEqualTo(200);

    // A member cannot change the image nor share it on.
    ImagesApiTest.assertError(post("tok-b", members, "{\"member\":\"pc\"}"), 403);
    ImagesApiTest.assertError(delete("tok-b", members + "/pb"), 403);
    ImagesApiTest.assertError(delete("tok-b", "/v2/images/" + id), 403);

    // Removing the membership hides the image again.
    assertThat(delete("tok-a", members + "/pb").statusCode()).isEqualTo(204);
    ImagesApiTest.assertError(delete("tok-a", members + "/pb"), 404);
    ImagesApiTest.assertError(get("tok-b", "/v2/images/" + id), 404);
    assertThat(listed("tok-b", "?member_status=all")).doesNotContain(id);
  }

  @Test
  void onlySharedImagesHaveMembers() {
    String id = image("tok-a", "{\"name\":\"mine\",\"visibility\":\"private\"}");
    String members = "/v2/images/" + id + "/members";
    ImagesApiTest.assertError(post("tok-a", members, "{\"member\":\"pb\"}"), 403);
    ImagesApiTest.assertError(get("tok-a", members), 403);
    ImagesApiTest.assertError(get("tok-a", members + "/pb"), 404);

    // Members of an image made private again keep their rows but see nothing.
    HttpResponse<String> shared = as("tok-a", api.request("/v2/images/" + id)
        .header("Content-Type", ImagesResource.PATCH_TYPE).method("PATCH", HttpRequest.BodyPublishers
            .ofString("[{\"op\":\"replace\",\"path\":\"/visibility\",\"value\":\"shared\"}]")));
    assertThat(shared.statusCode()).as(shared.body()).isEqualTo(200);
    assertThat(post("tok-a", members, "{\"member\":\"pb\"}").statusCode()).isEqualTo(200);
    assertThat(get("tok-b", "/v2/images/" + id).statusCode()).isEqualTo(200);
    as("tok-a", api.request("/v2/images/" + id)
        .header("Content-Type", ImagesResource.PATCH_TYPE).method("PATCH", HttpRequest.BodyPublishers
            .ofString("[{\"op\":\"replace\",\"path\":\"/visibility\",\"value\":\"private\"}]")));
    ImagesApiTest.assertError(get("tok-b", "/v2/images/" + id), 404);
    ImagesApiTest.assertError(put("tok-a", members + "/pb", "{\"status\":\"accepted\"}"), 403);
    ImagesApiTest.assertError(delete("tok-a", members + "/pb"), 403);
  }

  @Test
  void badBodiesAreRefused() {
    String id = image("tok-a", "{\"name\":\"bodies\",\"visibility\":\"shared\"}");
    String members = "/v2/images/" + id + "/members";
    ImagesApiTest.assertError(post("tok-a", members, "{}"), 400);
    ImagesApiTest.assertError(post("tok-a", members, "{\"member\":\"\"}"), 400);
    ImagesApiTest.assertError(post("tok-a", members, "{\"member\":5}"), 400);
    ImagesApiTest.assertError(post("tok-a", members, "[\"pb\"]"), 400);
    ImagesApiTest.assertError(post("tok-a", members, "nojson"), 400);
    ImagesApiTest.assertError(post("tok-a", members, "{\"member\":\"" + "x".repeat(256) + "\"}"), 400);
    ImagesApiTest.assertError(as("tok-a", api.request(members).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"member\":\"pb\"}"))), 415);
    ImagesApiTest.assertError(post("tok-a", "/v2/images/00000000-0000-0000-0000-000000000000/members",
        "{\"member\":\"pb\"}"), 404);
    ImagesApiTest.assertError(post("tok-c", members, "{\"member\":\"pb\"}"), 404);
    assertThat(ApiFixture.json(get("tok-a", members)).get("members")).isEmpty();
  }

  @Test
  void anImageTakesAtMostGlancesMemberLimit() {
    String id = image("tok-a", "{\"name\":\"popular\",\"visibility\":\"shared\"}");
    String members = "/v2/images/" + id + "/members";
    for (int i = 0; i < io.stowage.app.image.ImageMembers.MAX_MEMBERS; i++) {
      assertThat(post("tok-a", members, "{\"member\":\"p" + i + "\"}").statusCode()).isEqualTo(200);
    }
    ImagesApiTest.assertError(post("tok-a", members, "{\"member\":\"one-more\"}"), 413);
  }

  @Test
  void adminsManageEveryImagesMembers() {
    String id = image("tok-a", "{\"name\":\"admin-managed\",\"visibility\":\"shared\"}");
    String members = "/v2/images/" + id + "/members";
    assertThat(post("tok-admin", members, "{\"member\":\"pb\"}").statusCode()).isEqualTo(200);
    assertThat(put("tok-admin", members + "/pb", "{\"status\":\"accepted\"}").statusCode()).isEqualTo(200);
    assertThat(listed("tok-b", "")).contains(id);
    assertThat(delete("tok-admin", members + "/pb").statusCode()).isEqualTo(204);
  }

  @Test
  void schemasAreGlances() {
    JsonNode member = ApiFixture.json(get("tok-a", "/v2/schemas/member"));
    assertThat(member.get("name").asText()).isEqualTo("member");
    assertThat(member.at("/properties/status/enum").toString())
        .isEqualTo("[\"pending\",\"accepted\",\"rejected\"]");
    JsonNode members = ApiFixture.json(get("tok-a", "/v2/schemas/members"));
    assertThat(members.at("/properties/members/items")).isEqualTo(member);
    assertThat(members.at("/links/0/href").asText()).isEqualTo("{schema}");
    ImagesApiTest.assertError(api.get("/v2/schemas/member"), 401);
  }

  @Test
  void deletingTheImageEndsItsMemberships() {
    String id = image("tok-a", "{\"name\":\"short-lived\",\"visibility\":\"shared\"}");
    post("tok-a", "/v2/images/" + id + "/members", "{\"member\":\"pb\"}");
    assertThat(delete("tok-a", "/v2/images/" + id).statusCode()).isEqualTo(204);
    ImagesApiTest.assertError(get("tok-b", "/v2/images/" + id + "/members/pb"), 404);
  }
}
