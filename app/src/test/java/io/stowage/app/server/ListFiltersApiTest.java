package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.app.image.ImageJson;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v2/images} filters with Glance's operators: {@code in:} lists, time comparisons,
 * and the 400s of the reference (Glance 25.1 answered each of these the same way).
 */
class ListFiltersApiTest {
  @TempDir static Path home;
  static ApiFixture api;
  static String a;
  static String b;
  static String commaName;
  static Instant between;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiFixture(home, "");
    a = create("a", "raw");
    b = create("b", "qcow2");
    commaName = create("x,y", "qcow2");
    Instant lastShown = Instant.parse(ImageJson.time(Instant.now()));
    Thread.sleep(Math.max(0, lastShown.plusMillis(1100).toEpochMilli() - System.currentTimeMillis()));
    between = Instant.parse(ImageJson.time(Instant.now()));
    Thread.sleep(1100);
    create("c", "vmdk");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static String create(String name, String diskFormat) {
    HttpResponse<String> r = api.post("/v2/images", "{\"name\":\"" + name + "\",\"disk_format\":\""
        + diskFormat + "\",\"container_format\":\"bare\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ApiFixture.json(r).get("id").asText();
  }

  static List<String> names(String query) {
    HttpResponse<String> r = api.get("/v2/images?" + query);
    assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(200);
    return ApiFixture.json(r).get("images").findValuesAsText("name");
  }

  static String error(String query) {
    HttpResponse<String> r = api.get("/v2/images?" + query);
    ImagesApiTest.assertError(r, 400);
    return ApiFixture.json(r).at("/error/message").asText();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void inListsMatchAnyValue() {
    assertThat(names("name=in:a,b")).containsExactlyInAnyOrder("a", "b");
    assertThat(names("name=" + enc("in:\"x,y\",c"))).containsExactlyInAnyOrder("x,y", "c");
    assertThat(names("name=in:")).isEmpty();
    assertThat(names("name=eq:b")).containsExactly("b");
    assertThat(names("disk_format=in:raw,qcow2")).containsExactlyInAnyOrder("a", "b", "x,y");
    assertThat(names("disk_format=in:vmdk")).containsExactly("c");
    assertThat(names("container_format=in:bare,ovf")).hasSize(4);
    assertThat(names("status=in:queued,active")).hasSize(4);
    assertThat(names("id=in:" + a + "," + b + ",zz")).containsExactlyInAnyOrder("a", "b");
    assertThat(names("owner=in:a,b")).as("owner takes no operator: a literal value").isEmpty();
    JsonNode page = ApiFixture.json(api.get("/v2/images?name=in:a,b&limit=1"));
    assertThat(page.get("next").asText()).contains("name=in%3Aa%2Cb");
  }

  @Test
  void timesCompareWithIso8601() {
    String t = ImageJson.time(between);
    assertThat(names("created_at=lt:" + t)).containsExactlyInAnyOrder("a", "b", "x,y");
    assertThat(names("created_at=gt:" + t)).containsExactly("c");
    assertThat(names("created_at=gte:2000-01-01")).hasSize(4);
    assertThat(names("created_at=gte:2000-01-01T00:00:00")).hasSize(4);
    assertThat(names("created_at=gte:" + enc("2000-01-01T00:00:00+02:00"))).hasSize(4);
    assertThat(names("created_at=lt:2000-01-01T00:00:00Z")).isEmpty();
    assertThat(names("updated_at=neq:2000-01-01T00:00:00Z")).hasSize(4);
    assertThat(names("updated_at=gte:" + t + "&created_at=gt:" + t)).containsExactly("c");
    assertThat(names("created_at=2000-01-01T00:00:00Z")).as("a bare time means eq").isEmpty();
  }

  @Test
  void malformedFiltersAreGlances400() {
    assertThat(error("name=" + enc("in:\"x,y"))).isEqualTo("Invalid filter value \"x,y. The quote is not closed.");
    assertThat(error("name=" + enc("in:a\"b\"")))
        .isEqualTo("Invalid filter value a\"b\". There is no comma before opening quotation mark.");
    assertThat(error("name=" + enc("in:\"a\"b")))
        .isEqualTo("Invalid filter value \"a\"b. There is no comma after closing quotation mark.");
    assertThat(error("name=foo:b")).isEqualTo("Unable to filter by unknown operator 'foo'.");
    assertThat(error("disk_format=gt:raw")).isEqualTo("Unable to filter by unknown operator 'gt'.");
    assertThat(error("created_at=gt:bogus"))
        .isEqualTo("Bad \"created_at\" query filter format. Use ISO 8601 DateTime notation.");
    assertThat(error("updated_at=bogus"))
        .isEqualTo("Bad \"updated_at\" query filter format. Use ISO 8601 DateTime notation.");
    assertThat(error("created_at=2000-02-30")).contains("ISO 8601");
    assertThat(error("created_at=zz:2000-01-01T00:00:00Z")).isEqualTo("Unable to filter on a unknown operator.");
    assertThat(error("created_at=in:2000-01-01T00:00:00Z")).isEqualTo("Unable to filter on a unknown operator.");
    assertThat(error("member_status=bogus")).isEqualTo("Invalid status: bogus");
    assertThat(error("visibility=bogus")).isEqualTo("Invalid visibility value: bogus");
    assertThat(error("changes-since=2000-01-01")).contains("no longer available");
  }
}
