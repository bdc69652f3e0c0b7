package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image data over HTTP: upload, download, ranges, progress and the upload error table. */
class ImageDataApiTest {
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

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  HttpResponse<byte[]> download(String id, String range) throws Exception {
    HttpRequest.Builder r = api.request("/v2/images/" + id + "/file").GET();
    if (range != null) {
      r.header("Range", range);
    }
    return api.http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void uploadThenDownloadWholeAndRanges() throws Exception {
    byte[] data = random(1_000_000, 1);
    String id = api.create("data");
    HttpResponse<byte[]> empty = download(id, null);
    assertThat(empty.statusCode()).as("no data yet").isEqualTo(204);

    HttpResponse<String> put = api.upload(id, data);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    ImagesApiTest.assertRequestId(put);

    JsonNode image = ApiFixture.json(api.get("/v2/images/" + id));
    assertThat(image.get("status").asText()).isEqualTo("active");
    assertThat(image.get("size").asLong()).isEqualTo(data.length);
    assertThat(image.get("virtual_size").asLong()).isEqualTo(data.length);
    assertThat(image.get("checksum").asText()).isEqualTo(hex("MD5", data));
    assertThat(image.get("os_hash_algo").asText()).isEqualTo("sha512");
    assertThat(image.get("os_hash_value").asText()).isEqualTo(hex("SHA-512", data));

    HttpResponse<byte[]> whole = download(id, null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(data);
    assertThat(whole.headers().firstValue("Content-MD5")).contains(hex("MD5", data));
    assertThat(whole.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(whole.headers().firstValueAsLong("Content-Length")).hasValue(data.length);

    Object[][] ranges = {
      {"bytes=0-9", 0, 10, "bytes 0-9/1000000"},
      {"bytes=-10", 999_990, 10, "bytes 999990-999999/1000000"},
      {"bytes=999990-", 999_990, 10, "bytes 999990-999999/1000000"},
      {"bytes=500000-2000000", 500_000, 500_000, "bytes 500000-999999/1000000"},
      {"bytes=-2000000", 0, 1_000_000, "bytes 0-999999/1000000"},
    };
    for (Object[] r : ranges) {
      HttpResponse<byte[]> part = download(id, (String) r[0]);
      assertThat(part.statusCode()).as((String) r[0]).isEqualTo(206);
      int from = (int) r[1];
      assertThat(part.body()).as((String) r[0]).isEqualTo(Arrays.copyOfRange(data, from, from + (int) r[2]));
      assertThat(part.headers().firstValue("Content-Range")).as((String) r[0]).contains((String) r[3]);
    }
    for (String bad : List.of("bytes=5000000-", "bytes=abc", "bytes=5-2", "bytes=-0", "items=0-1",
        "bytes=99999999999999999999-")) {
      HttpResponse<byte[]> r = download(id, bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(416);
      ImagesApiTest.assertRequestId(r);
    }
    assertThat(download(id, "bytes=0-1,3-4").statusCode()).isEqualTo(400);

    JsonNode progress = ApiFixture.json(api.get("/v2/images/" + id + "/progress"));
    assertThat(progress.get("image_id").asText()).isEqualTo(id);
    assertThat(progress.get("status").asText()).isEqualTo("active");
    assertThat(progress.get("bytes_received").asLong()).isEqualTo(data.length);
    assertThat(progress.get("bytes_total").asLong()).isEqualTo(data.length);
    assertThat(progress.get("started_at").asText()).isNotEmpty();
    assertThat(progress.has("bytes_per_second")).isTrue();

    HttpResponse<String> again = api.upload(id, data);
    ImagesApiTest.assertError(again, 409);

    assertThat(api.images.resolve(id)).exists();
    assertThat(api.delete("/v2/images/" + id).statusCode()).isEqualTo(204);
    assertThat(api.images.resolve(id)).as("deleting an image removes its data").doesNotExist();
  }

  @Test
  void chunkedUploadOfUnknownSize() throws Exception {
    byte[] data = random(300_000, 2);
    String id = api.create("chunked");
    HttpResponse<String> put = api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data))));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    JsonNode image = ApiFixture.json(api.get("/v2/images/" + id));
    assertThat(image.get("size").asLong()).isEqualTo(data.length);
    assertThat(image.get("checksum").asText()).isEqualTo(hex("MD5", data));
    JsonNode progress = ApiFixture.json(api.get("/v2/images/" + id + "/progress"));
    assertThat(progress.get("bytes_received").asLong()).isEqualTo(data.length);
    assertThat(progress.get("bytes_total").isNull()).as("unknown size: null total").isTrue();
  }

  @Test
  void failedUploadsLeaveTheImageQueuedWithNoData() throws Exception {
    byte[] data = random(100_000, 3);
    String id = api.create("fails");
    List<Path> before = api.storedFiles();

    HttpResponse<String> mismatch = api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream")
        .header("x-openstack-image-size", "10")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
    ImagesApiTest.assertError(mismatch, 400);

    HttpResponse<String> shortBody = api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream")
        .header("x-openstack-image-size", "100001")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data))));
    ImagesApiTest.assertError(shortBody, 400);

    ImagesApiTest.assertError(api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream").header("x-image-meta-store", "nope")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data))), 400);
    ImagesApiTest.assertError(api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofByteArray(data))), 415);
    ImagesApiTest.assertError(api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream").header("x-openstack-image-size", "-5")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data))), 400);
    ImagesApiTest.assertError(api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream")
        .header("x-openstack-image-size", String.valueOf(2L << 40))
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))), 413);

    ImagesApiTest.assertError(api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream").header("Content-MD5", "0".repeat(32))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data))), 400);
    ImagesApiTest.assertError(api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream").header("Content-MD5", "nonsense")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data))), 400);

    JsonNode image = ApiFixture.json(api.get("/v2/images/" + id));
    assertThat(image.get("status").asText()).isEqualTo("queued");
    assertThat(image.get("size").isNull()).isTrue();
    assertThat(api.storedFiles()).isEqualTo(before);

    String noFormat = ApiFixture.json(api.post("/v2/images", "{\"name\":\"nofmt\"}")).get("id").asText();
    ImagesApiTest.assertError(api.upload(noFormat, data), 400);

    HttpResponse<String> retry = api.send(api.request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream").header("x-image-meta-store", "other")
        .header("Content-MD5", java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data)))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
    assertThat(retry.statusCode()).as("a retry after failures works").isEqualTo(204);
    assertThat(Files.exists(home.resolve("images2").resolve(id))).as("x-image-meta-store").isTrue();
    assertThat(download(id, null).body()).isEqualTo(data);
  }

  @Test
  void dataOfAnotherFormatThanDeclaredIsRefused() throws Exception {
    assumeTrue(ApiFixture.have("qemu-img"), "qemu-img is not installed");
    Path vhdx = home.resolve("disk.vhdx");
    ApiFixture.Run made = ApiFixture.run(home, List.of("qemu-img", "create", "-f", "vhdx", vhdx.toString(), "64M"), Map.of());
    assertThat(made.exitCode()).as(made.err()).isZero();
    byte[] data = Files.readAllBytes(vhdx);
    String id = api.create("claims-raw");
    List<Path> before = api.storedFiles();
    ImagesApiTest.assertError(api.upload(id, data), 415);
    assertThat(ApiFixture.json(api.get("/v2/images/" + id)).get("status").asText()).isEqualTo("queued");
    assertThat(api.storedFiles()).isEqualTo(before);

    String vid = ApiFixture.json(api.post("/v2/images",
        "{\"name\":\"v\",\"disk_format\":\"vhdx\",\"container_format\":\"bare\"}")).get("id").asText();
    assertThat(api.upload(vid, data).statusCode()).isEqualTo(204);
    assertThat(ApiFixture.json(api.get("/v2/images/" + vid)).get("virtual_size").asLong()).isEqualTo(64L << 20);
  }

  @Test
  void concurrentUploadsToOneImageEndWithOne204AndOne409() throws Exception {
    assumeTrue(ApiFixture.have("curl"), "curl is not installed");
    Path file = Files.write(home.resolve("slow.bin"), random(4 << 20, 4));
    String id = api.create("race");
    List<String> curl = List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
        "--limit-rate", "4M", "-H", "Content-Type: application/octet-stream", "-T", file.toString(),
        api.base() + "/v2/images/" + id + "/file");
    CompletableFuture<ApiFixture.Run> a = CompletableFuture.supplyAsync(() -> ApiFixture.run(home, curl, Map.of()));
    CompletableFuture<ApiFixture.Run> b = CompletableFuture.supplyAsync(() -> ApiFixture.run(home, curl, Map.of()));
    List<String> codes = List.of(a.get().out(), b.get().out());
    assertThat(codes).containsExactlyInAnyOrder("204", "409");
    assertThat(ApiFixture.json(api.get("/v2/images/" + id)).get("size").asLong()).isEqualTo(4 << 20);
  }

  @Test
  void deletingDuringTheUploadIs410AndRemovesTheData() throws Exception {
    assumeTrue(ApiFixture.have("curl"), "curl is not installed");
    Path file = Files.write(home.resolve("gone.bin"), random(6 << 20, 5));
    String id = api.create("gone");
    List<Path> before = api.storedFiles();
    CompletableFuture<ApiFixture.Run> upload = CompletableFuture.supplyAsync(() -> ApiFixture.run(home,
        List.of("curl", "-s", "-w", "\n%{http_code}", "--limit-rate", "2M", "-H",
            "Content-Type: application/octet-stream", "-T", file.toString(),
            api.base() + "/v2/images/" + id + "/file"), Map.of()));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode p = ApiFixture.json(api.get("/v2/images/" + id + "/progress"));
      if (p.get("bytes_received").asLong() > 0 && p.get("status").asText().equals("saving")) {
        assertThat(p.get("bytes_total").asLong()).isEqualTo(6 << 20);
        assertThat(p.get("bytes_received").asLong()).isLessThan(6 << 20);
        break;
      }
      Thread.sleep(100);
    }
    assertThat(api.delete("/v2/images/" + id).statusCode()).isEqualTo(204);
    ApiFixture.Run run = upload.get();
    assertThat(run.out()).endsWith("410");
    assertThat(api.storedFiles()).isEqualTo(before);
  }
}
