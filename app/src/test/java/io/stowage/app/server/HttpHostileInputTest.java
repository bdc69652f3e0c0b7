package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input suite for the HTTP API of {@code stowage serve}: generated and mutated
 * headers, JSON bodies, patches, ids and tags in URLs, and uploads with wrong sizes or cut
 * bodies, from a printed seed and a fixed count, sent as raw bytes on a socket (no client
 * library tidies them). Every probe must get the expected status with a one-line body that
 * shows no stack trace and no Java class name; afterwards the server still answers, the images
 * stored before read back with the same hashes, the upload target is still {@code queued}, and
 * the store folders hold nothing else (no temporary file).
 *
 * <p>Reproduce a run with {@code -Dstowage.hostile.seed=N}; {@code -Dstowage.hostile.count=N}
 * sets the probes per entry point.
 */
class HttpHostileInputTest {
  static final long SEED = Long.getLong("stowage.hostile.seed", 20261130L);
  static final int COUNT = Integer.getInteger("stowage.hostile.count", 60);
  private static final Set<Integer> BAD = Set.of(400);

  @TempDir Path home;
  ApiFixture api;
  Random random;
  Map<String, String> intact;
  List<String> active = new ArrayList<>();
  String target;
  int probes;

  @BeforeEach
  void start(TestInfo test) throws Exception {
    assumeTrue(Files.isDirectory(ApiFixture.PLUGINS), "no plugins built in " + ApiFixture.PLUGINS);
    long seed = SEED ^ test.getDisplayName().hashCode();
    System.out.printf("hostile http: %s seed=%d (stowage.hostile.seed=%d) count=%d%n",
        test.getDisplayName(), seed, SEED, COUNT);
    random = new Random(seed);
    api = new ApiFixture(home, "cache: { driver: xattr, dir: cache, max_size: 1MiB }\n");
    for (int i = 0; i < 2; i++) {
      String id = api.create("intact-" + i);
      byte[] bytes = new byte[8192 + i];
      random.nextBytes(bytes);
      assertThat(api.upload(id, bytes).statusCode()).isEqualTo(204);
      active.add(id);
    }
    target = api.create("target");
    intact = snapshot();
  }

  @AfterEach
  void stop() {
    System.out.printf("hostile http: %d probes%n", probes);
    api.close();
  }

  // ---- headers

  @Test
  void headers() throws Exception {
    String image = active.get(0);
    for (int i = 0; i < COUNT; i++) {
      switch (random.nextInt(6)) {
        case 0 -> { // Range on a download of an 8192-byte image
          String range = pick(RANGES.keySet().toArray(String[]::new));
          Raw r = probe("GET", "/v2/images/" + image + "/file", Map.of("Range", range), null,
              Set.of(RANGES.get(range)));
          if (r.status == 206) {
            assertThat(r.header("content-range")).as(range).matches("bytes \\d+-\\d+/8192");
          }
        }
        case 1 -> probe("GET", "/v2/images/" + image, Map.of("Accept", hostileHeader()), null,
            Set.of(200, 406));
        case 2 -> probe("POST", "/v2/images", Map.of("Content-Type", pick(MEDIA_TYPES)),
            "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8), Set.of(415, 400));
        case 3 -> { // Content-Length on a JSON body, sent as given; the client then stops
          String length = pick(LENGTHS);
          Map<String, String> h = Map.of("Content-Type", "application/json", "Content-Length", length);
          probes++;
          Raw r = exchange("POST", "/v2/images", h, "{}".getBytes(StandardCharsets.UTF_8), true);
          check("POST /v2/images " + h, r, Set.of(400, 413));
        }
        case 4 -> probe("PUT", "/v2/images/" + target + "/file", Map.of(
            "Content-Type", "application/octet-stream", "x-image-meta-store", pick(STORES)),
            new byte[512], BAD);
        default -> probe("GET", "/v2/images", Map.of(pick(HEADER_NAMES), hostileHeader()), null,
            Set.of(200, 400));
      }
    }
  }

  // ---- JSON bodies of POST /v2/images

  @Test
  void createBodies() throws Exception {
    for (int i = 0; i < COUNT; i++) {
      byte[] body;
      Set<Integer> expected;
      switch (random.nextInt(8)) {
        case 0 -> { // malformed or truncated
          String valid = "{\"name\":\"n\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"tags\":[\"a\"]}";
          body = valid.substring(0, random.nextInt(valid.length())).getBytes(StandardCharsets.UTF_8);
          expected = BAD;
        }
        case 1 -> { // deeply nested
          int depth = 1000 + random.nextInt(200_000);
          body = ("{\"name\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
          expected = Set.of(400, 413);
        }
        case 2 -> { // huge strings: a name or key over 255 characters, any value over the body limit
          boolean overLimit = random.nextBoolean();
          int n = overLimit ? (1 << 20) + random.nextInt(1 << 20) : 256 + random.nextInt(4096);
          String key = overLimit ? pick(new String[] {"name", "os_distro", "x".repeat(300)})
              : pick(new String[] {"name", "x".repeat(256 + random.nextInt(300))});
          body = ("{\"" + key + "\":\"" + "x".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8);
          expected = overLimit ? Set.of(413) : Set.of(400);
        }
        case 3 -> { // wrong types
          String field = pick(WRONG.keySet().toArray(String[]::new));
          body = ("{\"" + field + "\":" + pick(WRONG.get(field)) + "}").getBytes(StandardCharsets.UTF_8);
          expected = Set.of(400);
        }
        case 4 -> { // read-only fields
          body = ("{\"" + pick(new String[] {"status", "checksum", "size", "virtual_size",
              "created_at", "locations", "self", "file", "schema", "os_hash_value", "direct_url"})
              + "\":\"x\"}").getBytes(StandardCharsets.UTF_8);
          expected = Set.of(403);
        }
        case 5 -> { // 10 MB body
          body = new byte[10 << 20];
          java.util.Arrays.fill(body, (byte) ' ');
          body[0] = '{';
          body[body.length - 1] = '}';
          expected = Set.of(413);
        }
        case 6 -> { // not an object
          body = pick(new String[] {"[]", "null", "1", "\"x\"", "true", "{}{}", "{} x"})
              .getBytes(StandardCharsets.UTF_8);
          expected = BAD;
        }
        default -> { // mutated valid body: anything but a 5xx or a trace
          body = mutate("{\"name\":\"n\",\"disk_format\":\"raw\",\"container_format\":\"bare\","
              + "\"tags\":[\"a\",\"b\"],\"min_disk\":1,\"visibility\":\"private\"}")
              .getBytes(StandardCharsets.UTF_8);
          expected = Set.of(201, 400, 403, 409);
        }
      }
      probe("POST", "/v2/images", Map.of("Content-Type", "application/json"), body, expected);
    }
  }

  // ---- PATCH bodies

  @Test
  void patches() throws Exception {
    String patchType = ImagesResource.PATCH_TYPE;
    for (int i = 0; i < COUNT; i++) {
      String path = "/v2/images/" + target;
      switch (random.nextInt(7)) {
        case 0 -> probe("PATCH", path, Map.of("Content-Type", pick(MEDIA_TYPES)),
            "[]".getBytes(StandardCharsets.UTF_8), Set.of(415));
        case 1 -> probe("PATCH", path, Map.of("Content-Type", patchType),
            ("[{\"op\":" + pick(new String[] {"\"frob\"", "1", "null", "\"\"", "\"copy\"",
                "\"move\"", "\"test\"", "[]"}) + ",\"path\":\"/name\",\"value\":\"x\"}]")
                .getBytes(StandardCharsets.UTF_8), BAD);
        case 2 -> probe("PATCH", path, Map.of("Content-Type", patchType),
            ("[{\"op\":\"replace\",\"path\":" + pick(new String[] {"\"\"", "\"/\"", "\"name\"",
                "\"/a/b\"", "\"//\"", "1", "null", "\"/../../etc\"", "\"/tags/0\"",
                "\"/" + "x".repeat(300) + "\""}) + ",\"value\":\"x\"}]")
                .getBytes(StandardCharsets.UTF_8), Set.of(400, 409));
        case 3 -> probe("PATCH", path, Map.of("Content-Type", patchType),
            ("[{\"op\":\"" + pick(new String[] {"replace", "add", "remove"}) + "\",\"path\":\"/"
                + pick(new String[] {"id", "status", "checksum", "size", "locations", "owner_x",
                    "created_at", "os_hash_value", "virtual_size"}) + "\",\"value\":\"x\"}]")
                .getBytes(StandardCharsets.UTF_8), Set.of(403, 409, 200));
        case 4 -> { // huge arrays
          int n = 1000 + random.nextInt(100_000);
          StringBuilder sb = new StringBuilder("[");
          for (int k = 0; k < n; k++) {
            sb.append(k == 0 ? "" : ",").append("{\"op\":\"add\",\"path\":\"/tags\",\"value\":[\"t")
                .append(k).append("\"]}");
          }
          probe("PATCH", path, Map.of("Content-Type", patchType),
              sb.append(']').toString().getBytes(StandardCharsets.UTF_8), Set.of(200, 400, 413));
        }
        case 5 -> probe("PATCH", path, Map.of("Content-Type", patchType),
            pick(new String[] {"{}", "[1]", "[null]", "[{}]", "[[]]", "", "[", "x"})
                .getBytes(StandardCharsets.UTF_8), BAD);
        default -> probe("PATCH", path, Map.of("Content-Type", patchType),
            ("[{\"op\":\"replace\",\"path\":\"/" + pick(new String[] {"name", "min_disk",
                "protected", "tags", "visibility", "disk_format", "os_distro"}) + "\",\"value\":"
                + pick(WRONG_VALUES) + "}]").getBytes(StandardCharsets.UTF_8), Set.of(200, 400, 409));
      }
      assertThat(status(target)).isEqualTo("queued");
    }
  }

  // ---- ids and tags in URLs

  @Test
  void idsAndTags() throws Exception {
    for (int i = 0; i < COUNT; i++) {
      String id = hostileSegment();
      switch (random.nextInt(5)) {
        case 0 -> probe("GET", "/v2/images/" + id, Map.of(), null, Set.of(400, 404));
        case 1 -> probe("GET", "/v2/images/" + id + "/file", Map.of(), null, Set.of(400, 404));
        case 2 -> probe("DELETE", "/v2/images/" + id, Map.of(), null, Set.of(400, 404));
        case 3 -> probe("PUT", "/v2/images/" + id + "/file",
            Map.of("Content-Type", "application/octet-stream"), new byte[64], Set.of(400, 404));
        default -> {
          Raw r = probe("PUT", "/v2/images/" + target + "/tags/" + id, Map.of(), null,
              Set.of(204, 400, 404));
          if (r.status == 204) {
            probe("DELETE", "/v2/images/" + target + "/tags/" + id, Map.of(), null, Set.of(204));
          }
        }
      }
    }
  }

  // ---- the cache API, image members and list filters (issues 8 and 9)

  @Test
  void cacheMembersAndFilters() throws Exception {
    Map<String, String> json = Map.of("Content-Type", "application/json");
    for (int i = 0; i < COUNT; i++) {
      String id = hostileSegment();
      switch (random.nextInt(7)) {
        case 0 -> probe("PUT", "/v2/cache/" + id, Map.of(), null, Set.of(400, 404));
        case 1 -> probe("DELETE", "/v2/cache/" + id, Map.of(), null, Set.of(400, 404));
        case 2 -> probe("DELETE", "/v2/cache",
            Map.of("x-image-cache-clear-target", random.nextBoolean() ? hostileHeader()
                : mutate(pick(new String[] {"cache", "queue", ""}))), null, Set.of(200, 204, 400));
        case 3 -> probe("GET", "/v2/images/" + id + "/members", Map.of(), null, Set.of(400, 404));
        case 4 -> probe("POST", "/v2/images/" + target + "/members", json,
            (random.nextBoolean() ? "{\"member\": \"" + encodedText(1 + random.nextInt(300)) + "\"}"
                : mutate("{\"member\": \"tenant-a\"}")).getBytes(StandardCharsets.UTF_8),
            Set.of(200, 400, 403, 409, 413));
        case 5 -> probe("PUT", "/v2/images/" + target + "/members/" + id, json,
            mutate("{\"status\": \"accepted\"}").getBytes(StandardCharsets.UTF_8),
            Set.of(400, 403, 404));
        default -> probe("GET", "/v2/images?" + pick(new String[] {"name", "id", "status",
                "disk_format", "created_at", "updated_at", "member_status", "visibility"})
                + "=" + pick(new String[] {"in:", "gt:", "lte:", "neq:", "eq:", ""})
                + encodedText(1 + random.nextInt(60)), Map.of(), null, Set.of(200, 400));
      }
    }
  }

  // ---- uploads with wrong declared sizes and cut bodies

  @Test
  void uploads() throws Exception {
    for (int i = 0; i < COUNT; i++) {
      byte[] data = new byte[1 + random.nextInt(256 << 10)];
      random.nextBytes(data);
      String path = "/v2/images/" + target + "/file";
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/octet-stream");
      switch (random.nextInt(7)) {
        case 0 -> { // declared size other than the body's
          headers.put("x-openstack-image-size", Long.toString(data.length + 1 + random.nextInt(100)));
          headers.put("Transfer-Encoding", "chunked");
          probe("PUT", path, headers, data, Set.of(400));
        }
        case 1 -> { // Content-Length promises more than is sent: the body is cut
          headers.put("Content-Length", Long.toString(data.length + 1 + random.nextInt(1 << 20)));
          probeCut("PUT", path, headers, data);
        }
        case 2 -> { // x-openstack-image-size and Content-Length disagree
          headers.put("x-openstack-image-size", Long.toString(data.length - 1));
          probe("PUT", path, headers, data, Set.of(400));
        }
        case 3 -> {
          headers.put("x-openstack-image-size", pick(LENGTHS));
          probe("PUT", path, headers, data, Set.of(400, 413));
        }
        case 4 -> {
          headers.put("Content-MD5", pick(new String[] {"00000000000000000000000000000000",
              "AAAAAAAAAAAAAAAAAAAAAA==", "x", "", "🙂", "0".repeat(5000)}));
          probe("PUT", path, headers, data, Set.of(400));
        }
        case 5 -> { // huge declared sizes, no body sent
          headers.put("Content-Length", pick(new String[] {"1099511627777", "9223372036854775807",
              "4611686018427387904"}));
          probeCut("PUT", path, headers, new byte[0]);
        }
        default -> probe("PUT", path, Map.of("Content-Type", pick(new String[] {"text/plain",
            "application/json", "multipart/form-data; boundary=x", "application/octet-stream/x"})),
            data, Set.of(415, 400));
      }
      assertThat(status(target)).as("the failed upload leaves the image queued").isEqualTo("queued");
    }
  }

  // ---- bytes that are not quite HTTP: raw control and non-ASCII bytes in the request line

  @Test
  void requestLines() throws Exception {
    String[] lines = {"GET /v2/images/a\u0000b HTTP/1.1", "GET /v2/images/\u00e9\u00ff HTTP/1.1",
        "GET /v2/images/a\rb HTTP/1.1", "GET /v2/images/a b HTTP/1.1", "GET  HTTP/1.1",
        "GET /v2/images HTTP/9.9", "FROB /v2/images HTTP/1.1", "GET v2/images HTTP/1.1",
        "GET /v2/images/%zz HTTP/1.1", "GET /v2/images?limit=%ff%00 HTTP/1.1",
        "GET /v2/images?limit=-1&marker=..%2f HTTP/1.1", "GET /v2/images?sort_key=%00 HTTP/1.1",
        "GET /v2/images/" + "%41".repeat(30_000) + " HTTP/1.1", "PATCH /v2/images/x/../x HTTP/1.1",
        "GET /v2/images?limit=99999999999999999999 HTTP/1.1", "DELETE /v2/images/ HTTP/1.1"};
    for (int i = 0; i < COUNT; i++) {
      String line = pick(lines);
      probes++;
      Raw r = raw((line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      // Undertow serves an unknown HTTP/1.x minor version as HTTP/1.1, as RFC 9110 allows.
      check(cut(line), r, line.contains("HTTP/9.9") ? Set.of(200, 505) : Set.of(400, 404, 405));
    }
  }

  // ---- the raw client and the checks every probe passes

  record Raw(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return null;
    }
  }

  private Raw probe(String method, String path, Map<String, String> headers, byte[] body,
      Set<Integer> expected) throws Exception {
    probes++;
    Raw r = exchange(method, path, headers, body, false);
    check(method + " " + cut(path) + " " + cut(headers.toString()), r, expected);
    return r;
  }

  /** Sends the body, then closes the sending side: a client that stopped mid-body. */
  private void probeCut(String method, String path, Map<String, String> headers, byte[] body)
      throws Exception {
    probes++;
    Raw r = exchange(method, path, headers, body, true);
    String what = method + " " + cut(path) + " " + cut(headers.toString()) + " (cut)";
    // The server may answer (400, 413) or, its read having failed, close the connection.
    if (r.status != -1) {
      check(what, r, Set.of(400, 413));
    } else {
      checkAfter(what);
    }
  }

  private Raw exchange(String method, String path, Map<String, String> headers, byte[] body,
      boolean cut) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
        .getBytes(StandardCharsets.UTF_8));
    boolean chunked = "chunked".equals(headers.get("Transfer-Encoding"));
    for (Map.Entry<String, String> h : headers.entrySet()) {
      request.write((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    if (body != null && !headers.containsKey("Content-Length") && !chunked) {
      request.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    request.write("\r\n".getBytes(StandardCharsets.UTF_8));
    try (Socket socket = new Socket("127.0.0.1", api.server.port())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.toByteArray());
        if (body != null) {
          if (chunked) {
            out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          } else {
            out.write(body);
          }
        }
        out.flush();
        if (cut) {
          socket.shutdownOutput();
        }
      } catch (IOException refusedEarly) {
        // The server answered and closed before the whole body was sent: read its answer.
      }
      return read(socket.getInputStream());
    }
  }

  private Raw raw(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", api.server.port())) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  private static Raw read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      in.transferTo(all);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer in 60 s", e);
    } catch (IOException reset) {
      // a reset after the answer: keep what came
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Raw(-1, text, "");
    }
    String head = text.substring(0, end);
    String body = text.substring(end + 4);
    if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
      StringBuilder b = new StringBuilder();
      int at = 0;
      while (true) {
        int eol = body.indexOf("\r\n", at);
        int n = Integer.parseInt(body.substring(at, eol).strip(), 16);
        if (n == 0) {
          break;
        }
        b.append(body, eol + 2, eol + 2 + n);
        at = eol + 2 + n + 2;
      }
      body = b.toString();
    }
    return new Raw(Integer.parseInt(head.substring(9, 12)), head, body);
  }

  private void check(String what, Raw r, Set<Integer> expected) throws Exception {
    assertThat(r.status).as(what + "\n" + cut(r.head) + "\n" + cut(r.body)).isIn(expected);
    if (r.status >= 400) {
      assertThat(r.body.strip()).as(what + ": one line").doesNotContain("\n");
      assertThat(r.body.length()).as(what + ": a short message").isLessThan(2048);
      assertThat(r.body).as(what + ": no stack trace or class name").doesNotContain("\tat ",
          "Exception", "java.", "io.stowage", "io.undertow", "com.fasterxml", "org.");
    }
    checkAfter(what);
  }

  private void checkAfter(String what) throws Exception {
    Raw alive = exchange("GET", "/versions", Map.of(), null, false);
    assertThat(alive.status).as(what + ": the server still answers").isEqualTo(200);
    assertThat(snapshot()).as(what + ": the stored images are intact, nothing else is stored")
        .isEqualTo(intact);
    for (String id : active) {
      assertThat(status(id)).as(what).isEqualTo("active");
    }
  }

  private String status(String id) {
    return ApiFixture.json(api.get("/v2/images/" + id)).get("status").asText();
  }

  /** Every file under the store folders (temporary files included) with its hash. */
  private Map<String, String> snapshot() throws Exception {
    Map<String, String> hashes = new TreeMap<>();
    for (Path file : api.storedFiles()) {
      hashes.put(api.home.relativize(file).toString(),
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
    }
    return hashes;
  }

  // ---- generators

  /** Range headers and the status for an 8192-byte image: several ranges 400, as Glance. */
  private static final Map<String, Integer> RANGES = Map.ofEntries(Map.entry("bytes=0-0", 206),
      Map.entry("bytes=-1", 206), Map.entry("bytes=5-", 206), Map.entry("bytes=0-10,5-15", 400),
      Map.entry("bytes=0-1,2-3,4-5", 400), Map.entry("bytes=10-5", 416),
      Map.entry("bytes=99999999999999999999-", 416), Map.entry("bytes=-99999999999999999999", 416),
      Map.entry("bytes=9223372036854775807-", 416), Map.entry("bytes=0-9223372036854775807", 206),
      Map.entry("bytes=-9000", 206), Map.entry("bytes=8191-", 206), Map.entry("bytes=", 416),
      Map.entry("bytes=-", 416), Map.entry("bytes=a-b", 416), Map.entry("items=0-5", 416),
      Map.entry("bytes 0-5", 416), Map.entry("bytes=-0", 416), Map.entry("bytes=8192-", 416),
      Map.entry("bytes=0--1", 416), Map.entry("bytes=1-2-3", 416), Map.entry("bytes=\u00e9-1", 416),
      Map.entry("bytes=0-5 ,", 400), Map.entry("bytes=,0-5", 400), Map.entry("bytes = 0 - 5", 416));
  private static final String[] MEDIA_TYPES = {"text/plain", "application/xml", "",
      "application/json-patch+json", "application/octet-stream", "multipart/form-data",
      "application/openstack-images-v2.0-json-patch", "*/*", "application", "🙂/🙂",
      "application/json-patch+json; charset=utf-8"};
  private static final String[] LENGTHS = {"-1", "-9223372036854775808", "abc", "1e3", "0x10",
      "99999999999999999999999", "9223372036854775807", "1099511627777", " ", "1 2", "+5",
      "18446744073709551616", "1.5"};
  private static final String[] STORES = {"nope", "../local", "local/../other", "/etc", "",
      "..", "%2e%2e", "LOCAL", "local\tx", "x".repeat(5000), "🙂", "os_glance_staging_store"};
  private static final String[] HEADER_NAMES = {"Accept", "X-Auth-Token", "Accept-Encoding",
      "If-None-Match", "Cookie", "X-Forwarded-For", "X-Openstack-Request-Id", "Expect"};
  private static final String[] WRONG_VALUES = {"1", "-1", "1.5", "true", "null", "[]", "{}",
      "\"\"", "\"x\"", "[1,2]", "{\"a\":1}", "99999999999999999999", "\"" + "y".repeat(300) + "\"",
      "[\"" + "t".repeat(300) + "\"]", "\"\\u0000\"", "[null]", "-99999999999"};
  private static final Map<String, String[]> WRONG = Map.of(
      "name", new String[] {"1", "true", "[]", "{}", "\"" + "y".repeat(300) + "\"", "\"a\\u0000b\""},
      "min_disk", new String[] {"\"1\"", "-1", "1.5", "true", "[]", "99999999999999999999", "null"},
      "protected", new String[] {"\"yes\"", "1", "null", "[]", "\"true\""},
      "tags", new String[] {"\"x\"", "[1]", "[null]", "{}", "[\"" + "t".repeat(300) + "\"]",
          "[\"a\\u0000\"]", "[\"a/b\", 2]"},
      "visibility", new String[] {"\"x\"", "1", "null", "\"PUBLIC \""},
      "disk_format", new String[] {"\"frob\"", "1", "[]", "\"../raw\""},
      "id", new String[] {"\"x\"", "1", "\"../../etc\"", "\"6d3e4b8c-0000-4000-8000\"", "null"},
      "os_distro", new String[] {"1", "[]", "{}", "true", "\"\\u0000\""});
  private static final String[] NASTY = {"..%2f..%2fetc%2fpasswd", "..", "%2e%2e", "%00",
      "a%00b", "%2f", "%252e%252e%252f", "%e2%80%ae", "%f0%9f%99%82", "%ff%fe", "%", "%zz",
      "x%0d%0aSet-Cookie:%20a", "6d3e4b8c-0000-4000-8000-000000000001", "~", "%20", ";", "*"};

  private String hostileSegment() {
    return switch (random.nextInt(4)) {
      case 0 -> pick(NASTY);
      case 1 -> "x".repeat(1 + random.nextInt(random.nextBoolean() ? 300 : 120_000));
      case 2 -> pick(NASTY) + pick(NASTY);
      default -> encodedText(1 + random.nextInt(40));
    };
  }

  private String encodedText(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int cp = random.nextInt(4) == 0 ? 1 + random.nextInt(0x3000) : 32 + random.nextInt(95);
      sb.append(java.net.URLEncoder.encode(new String(Character.toChars(cp)), StandardCharsets.UTF_8)
          .replace("+", "%20"));
    }
    return sb.toString();
  }

  private String hostileHeader() {
    return switch (random.nextInt(3)) {
      case 0 -> "x".repeat(1 + random.nextInt(8000));
      case 1 -> pick(new String[] {"*/*", "application/json;q=0", "text/html", "\u00e9",
          "application/json, */*;q=0.1", ";;;", "\t"});
      default -> mutate("application/json; charset=utf-8");
    };
  }

  private String pick(String[] from) {
    return from[random.nextInt(from.length)];
  }

  private String mutate(String text) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = sb.length() == 0 ? 0 : random.nextInt(sb.length());
      switch (random.nextInt(4)) {
        case 0 -> { if (sb.length() > 0) sb.deleteCharAt(at); }
        case 1 -> sb.insert(at, (char) (32 + random.nextInt(95)));
        case 2 -> { if (sb.length() > 0) sb.setLength(at); }
        default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + random.nextInt(16))));
      }
    }
    return sb.toString();
  }

  private static String cut(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + ")" : s;
  }
}
