package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenStack's own client, Debian's python3-glanceclient 4.1, against {@code stowage serve}: every
 * command an operator uses, with one HOME for the whole run, so later commands read the image
 * schema glanceclient cached from the first (the cache that breaks on real Glance's schema).
 */
class GlanceClientTest {
  @TempDir static Path home;
  static ApiFixture api;
  static Path clientHome;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(ApiFixture.have("glance"), "python3-glanceclient (glance) is not installed");
    api = new ApiFixture(home, """
        server:
          auth:
            tokens:
              tok-a: { project: pa, roles: [member] }
              tok-b: { project: pb, roles: [member] }
        """);
    clientHome = Files.createDirectories(home.resolve("client-home"));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  static ApiFixture.Run glance(String... args) {
    return glanceAs("tok-a", args);
  }

  static ApiFixture.Run glanceAs(String token, String... args) {
    // stdin closed: glanceclient uploads whatever a readable stdin holds (even /dev/null)
    List<String> command = new ArrayList<>(List.of("sh", "-c", "exec glance \"$@\" <&-", "glance",
        "--os-image-url", api.base(),
        "--os-auth-token", token));
    command.addAll(List.of(args));
    return ApiFixture.run(home, command, Map.of("HOME", clientHome.toString(),
        "OS_AUTH_URL", "", "OS_USERNAME", "", "OS_PASSWORD", ""));
  }

  static ApiFixture.Run ok(String... args) {
    return okAs("tok-a", args);
  }

  static ApiFixture.Run okAs(String token, String... args) {
    ApiFixture.Run run = glanceAs(token, args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.out() + run.err()).isZero();
    return run;
  }

  /** A value from glanceclient's property table ({@code | name | value |}). */
  static String field(ApiFixture.Run run, String name) {
    Matcher m = Pattern.compile("^\\| " + Pattern.quote(name) + "\\s*\\| (.*?)\\s*\\|$", Pattern.MULTILINE)
        .matcher(run.out());
    assertThat(m.find()).as(name + " in\n" + run.out()).isTrue();
    return m.group(1);
  }

  @Test
  void everyDayCommands() throws Exception {
    byte[] data = new byte[3 << 20];
    new Random(11).nextBytes(data);
    Path file = Files.write(home.resolve("image.raw"), data);

    ApiFixture.Run created = ok("image-create", "--name", "from-glance", "--disk-format", "raw",
        "--container-format", "bare", "--file", file.toString());
    String id = field(created, "id");
    assertThat(field(created, "status")).isEqualTo("active");
    assertThat(field(created, "size")).isEqualTo(String.valueOf(data.length));
    assertThat(field(created, "owner")).isEqualTo("pa");
    assertThat(Files.exists(clientHome.resolve(".glanceclient/image_schema.json")))
        .as("the schema is cached now").isTrue();

    ApiFixture.Run empty = ok("image-create", "--name", "later", "--disk-format", "raw",
        "--container-format", "bare");
    String later = field(empty, "id");
    assertThat(field(empty, "status")).isEqualTo("queued");
    ok("image-upload", "--file", file.toString(), later);
    JsonNode uploaded = ApiFixture.json(api.send(api.request("/v2/images/" + later).header("X-Auth-Token", "tok-a").GET()));
    assertThat(uploaded.get("status").asText()).isEqualTo("active");
    assertThat(uploaded.get("size").asLong()).isEqualTo(data.length);

    Path out = home.resolve("downloaded.raw");
    ok("image-download", "--file", out.toString(), id);
    assertThat(Files.readAllBytes(out)).isEqualTo(data);

    ApiFixture.Run shown = ok("image-show", id);
    assertThat(field(shown, "name")).isEqualTo("from-glance");
    assertThat(field(shown, "checksum")).isEqualTo(field(created, "checksum"));

    ApiFixture.Run listed = ok("image-list");
    assertThat(listed.out()).contains(id).contains(later).contains("from-glance");

    ApiFixture.Run updated = ok("image-update", "--name", "renamed", "--property", "os_distro=debian", id);
    assertThat(field(updated, "name")).isEqualTo("renamed");
    assertThat(field(updated, "os_distro")).isEqualTo("debian");

    ok("image-tag-update", id, "gold");
    assertThat(field(ok("image-show", id), "tags")).contains("gold");

    ok("image-delete", later);
    ApiFixture.Run gone = glance("image-show", later);
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.err()).contains("no image found").doesNotContain("Traceback");
    assertThat(api.images.resolve(later)).doesNotExist();
  }

  @Test
  void sharingCommands() {
    String id = field(ok("image-create", "--name", "shared-by-a", "--visibility", "shared",
        "--disk-format", "raw", "--container-format", "bare"), "id");

    ApiFixture.Run created = ok("member-create", id, "pb");
    assertThat(created.out()).contains(id).contains("pb").contains("pending");
    ApiFixture.Run listed = ok("member-list", "--image-id", id);
    assertThat(listed.out()).containsPattern("\\| " + id + " \\| pb\\s+\\| pending");
    ApiFixture.Run again = glance("member-create", id, "pb");
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.err()).contains("duplicated").doesNotContain("Traceback");

    assertThat(okAs("tok-b", "image-list").out()).as("pending: not listed").doesNotContain(id);
    ApiFixture.Run owner = glance("member-update", id, "pb", "accepted");
    assertThat(owner.exitCode()).as("the owner cannot answer for the member").isNotZero();
    assertThat(owner.err()).doesNotContain("Traceback");
    ApiFixture.Run accepted = okAs("tok-b", "member-update", id, "pb", "accepted");
    assertThat(accepted.out()).containsPattern("\\| " + id + " \\| pb\\s+\\| accepted");
    assertThat(okAs("tok-b", "image-list").out()).contains(id).contains("shared-by-a");
    assertThat(field(okAs("tok-b", "image-show", id), "owner")).isEqualTo("pa");
    assertThat(okAs("tok-b", "member-list", "--image-id", id).out()).contains("accepted");

    ok("member-delete", id, "pb");
    ApiFixture.Run gone = glanceAs("tok-b", "image-show", id);
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.err()).doesNotContain("Traceback");
    ApiFixture.Run privateImage = glance("member-create",
        field(ok("image-create", "--name", "private", "--visibility", "private"), "id"), "pb");
    assertThat(privateImage.exitCode()).isNotZero();
    assertThat(privateImage.err()).contains("Only shared images have members").doesNotContain("Traceback");
  }
}
