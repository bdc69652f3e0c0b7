package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.app.cache.ImageCache;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads through the image cache and Glance's cache API, on a real server with the
 * filesystem store and xattr cache plugin jars.
 */
class ImageCacheApiTest {
  @TempDir Path home;
  ApiFixture api;

  void start(String extraYaml) throws IOException {
    api = new ApiFixture(home, """
        cache:
          driver: xattr
          dir: cache
          max_size: 64MiB
          stall_time: 1h
        """ + extraYaml);
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static String md5(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  String uploaded(String name, byte[] data) {
    String id = api.create(name);
    assertThat(api.upload(id, data).statusCode()).isEqualTo(204);
    return id;
  }

  HttpResponse<byte[]> download(String id, String range) throws Exception {
    HttpRequest.Builder r = api.request("/v2/images/" + id + "/file").GET();
    if (range != null) {
      r.header("Range", range);
    }
    return api.http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonNode cacheList() {
    HttpResponse<String> r = api.get("/v2/cache");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return ApiFixture.json(r);
  }

  List<String> cachedIds() {
    List<String> ids = new ArrayList<>();
    cacheList().get("cached_images").forEach(n -> ids.add(n.get("image_id").asText()));
    return ids;
  }

  /** The entry commits as the server closes the stream, just after the client has the body. */
  void awaitCached(String id) throws InterruptedException {
    for (int i = 0; i < 100 && !cachedIds().contains(id); i++) {
      Thread.sleep(50);
    }
    assertThat(cachedIds()).contains(id);
  }

  List<String> queuedIds() {
    List<String> ids = new ArrayList<>();
    cacheList().get("queued_images").forEach(n -> ids.add(n.asText()));
    return ids;
  }

  @Test
  void secondDownloadIsServedFromTheCache() throws Exception {
    start("");
    byte[] data = bytes(3 * 1024 * 1024 + 17, 1);
    String id = uploaded("a", data);

    HttpResponse<byte[]> first = download(id, null);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(Arrays.equals(first.body(), data)).isTrue();
    assertThat(first.headers().firstValue("Content-MD5")).hasValue(md5(data));
    awaitCached(id);
    JsonNode entry = cacheList().get("cached_images").get(0);
    assertThat(entry.get("image_id").asText()).isEqualTo(id);
    assertThat(entry.get("size").asLong()).isEqualTo(data.length);
    assertThat(entry.get("hits").asLong()).isZero();
    assertThat(entry.get("last_accessed").isNumber()).isTrue();
    assertThat(entry.get("last_modified").isNumber()).isTrue();

    // Take the store's copy away: only the cache can answer now.
    for (Path f : api.storedFiles()) {
      Files.delete(f);
    }
    for (int i = 1; i <= 2; i++) {
      HttpResponse<byte[]> again = download(id, null);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(Arrays.equals(again.body(), data)).isTrue();
      assertThat(again.headers().firstValue("Content-MD5")).hasValue(md5(data));
      assertThat(cacheList().get("cached_images").get(0).get("hits").asLong()).isEqualTo(i);
    }
  }

  @Test
  void aDownloadWhoseMultihashDiffersIsServedFromTheStoreAndNotCached() throws Exception {
    start("");
    byte[] data = bytes(300_000, 9);
    String id = uploaded("m", data);
    // The registry now records another sha512: size and md5 still match, so only the
    // multihash check can refuse the entry.
    String wrong = "ab".repeat(64);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:sqlite:" + home.resolve("registry.db"));
        java.sql.PreparedStatement update =
            c.prepareStatement("UPDATE images SET os_hash_value = ? WHERE id = ?")) {
      update.setString(1, wrong);
      update.setString(2, id);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    JsonNode image = ApiFixture.json(api.get("/v2/images/" + id));
    assertThat(image.get("os_hash_algo").asText()).isEqualTo("sha512");
    assertThat(image.get("os_hash_value").asText()).isEqualTo(wrong);

    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    Path invalid = home.resolve("cache/invalid").resolve(id);
    try {
      HttpResponse<byte[]> r = download(id, null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(Arrays.equals(r.body(), data)).as("the store's bytes, whole").isTrue();
      // The tee commits (and so refuses) as the server closes the stream, after the body.
      for (int i = 0; i < 100 && !Files.exists(invalid); i++) {
        Thread.sleep(50);
      }
      Thread.sleep(200); // anything logged late would be counted below
    } finally {
      System.setErr(err);
    }
    assertThat(invalid).as("the refused entry is moved aside").exists();
    assertThat(cachedIds()).doesNotContain(id);
    assertThat(home.resolve("cache").resolve(id)).doesNotExist();
    var attributes = Files.getFileAttributeView(invalid,
        java.nio.file.attribute.UserDefinedFileAttributeView.class);
    java.nio.ByteBuffer reason = java.nio.ByteBuffer.allocate(attributes.size("error"));
    attributes.read("error", reason);
    assertThat(new String(reason.array(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("multihash").contains(wrong);
    List<String> lines = log.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("image cache") && l.contains(id)).toList();
    assertThat(lines).as("logged once: " + lines).hasSize(1);
    assertThat(lines.get(0)).contains("multihash").doesNotContain("Exception").doesNotContain("\tat ");
    // Nothing cached, so the next download comes from the store again, whole.
    HttpResponse<byte[]> again = download(id, null);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Arrays.equals(again.body(), data)).isTrue();
  }

  @Test
  void theFillChecksTheMultihashAndFallsBackToMd5() throws Exception {
    start("");
    // The fill checks one checksum (ImageServiceSource.expected): the multihash when the image
    // has one, so an md5 the registry got wrong is not what refuses the entry...
    byte[] data = bytes(200_000, 11);
    String both = uploaded("b", data);
    sql("UPDATE images SET checksum = ? WHERE id = ?", "cd".repeat(16), both);
    HttpResponse<byte[]> r = download(both, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Arrays.equals(r.body(), data)).isTrue();
    awaitCached(both);
    // ...and without a multihash the md5 is checked.
    byte[] other = bytes(200_000, 12);
    String md5Only = uploaded("c", other);
    sql("UPDATE images SET checksum = ?, os_hash_algo = NULL, os_hash_value = NULL WHERE id = ?",
        "ab".repeat(16), md5Only);
    Path invalid = home.resolve("cache/invalid").resolve(md5Only);
    HttpResponse<byte[]> r2 = download(md5Only, null);
    assertThat(r2.statusCode()).isEqualTo(200);
    assertThat(Arrays.equals(r2.body(), other)).as("the store's bytes, whole").isTrue();
    for (int i = 0; i < 100 && !Files.exists(invalid); i++) {
      Thread.sleep(50);
    }
    assertThat(invalid).as("refused on its md5").exists();
    assertThat(cachedIds()).doesNotContain(md5Only);
    var attributes = Files.getFileAttributeView(invalid,
        java.nio.file.attribute.UserDefinedFileAttributeView.class);
    java.nio.ByteBuffer reason = java.nio.ByteBuffer.allocate(attributes.size("error"));
    attributes.read("error", reason);
    assertThat(new String(reason.array(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("md5").contains("ab".repeat(16));
  }

  private void sql(String statement, String... values) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:sqlite:" + home.resolve("registry.db"));
        java.sql.PreparedStatement update = c.prepareStatement(statement)) {
      for (int i = 0; i < values.length; i++) {
        update.setString(i + 1, values[i]);
      }
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void rangedDownloadsAreServedButNotCached() throws Exception {
    start("");
    byte[] data = bytes(200_000, 2);
    String id = uploaded("r", data);
    HttpResponse<byte[]> part = download(id, "bytes=100-1099");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(data, 100, 1100));
    assertThat(cachedIds()).isEmpty();
    try (var s = Files.list(home.resolve("cache/incomplete"))) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void deletingAnImageEvictsIt() throws Exception {
    start("");
    String id = uploaded("d", bytes(50_000, 3));
    assertThat(download(id, null).statusCode()).isEqualTo(200);
    awaitCached(id);
    assertThat(cachedIds()).containsExactly(id);
    assertThat(api.delete("/v2/images/" + id).statusCode()).isEqualTo(204);
    assertThat(cachedIds()).isEmpty();
    assertThat(home.resolve("cache").resolve(id)).doesNotExist();
  }

  int put(String id) {
    return api.send(api.request("/v2/cache/" + id).PUT(HttpRequest.BodyPublishers.noBody()))
        .statusCode();
  }

  int clear(String target) {
    HttpRequest.Builder r = api.request("/v2/cache").DELETE();
    if (target != null) {
      r.header("x-image-cache-clear-target", target);
    }
    return api.send(r).statusCode();
  }

  @Test
  void cacheApiQueuesFetchesDeletesAndClears() throws Exception {
    start("");
    byte[] a = bytes(100_000, 4);
    byte[] b = bytes(70_000, 5);
    String ida = uploaded("a", a);
    String idb = uploaded("b", b);
    String empty = api.create("no data");

    // Queued images are fetched at once in the background, as Glance's cache worker does.
    assertThat(put(ida)).isEqualTo(202);
    assertThat(put(idb)).isEqualTo(202);
    HttpResponse<String> notActive =
        api.send(api.request("/v2/cache/" + empty).PUT(HttpRequest.BodyPublishers.noBody()));
    assertThat(notActive.statusCode()).isEqualTo(400);
    assertThat(notActive.body()).contains("active").doesNotContain("Exception");
    assertThat(put("00000000-0000-0000-0000-000000000000")).isEqualTo(404);
    assertThat(put("not-a-uuid")).isEqualTo(404);
    awaitCached(ida);
    awaitCached(idb);
    assertThat(queuedIds()).isEmpty();
    assertThat(Files.size(home.resolve("cache").resolve(ida))).isEqualTo(a.length);
    assertThat(put(ida)).as("queueing a cached image").isEqualTo(202);
    assertThat(queuedIds()).isEmpty();

    assertThat(api.delete("/v2/cache/" + ida).statusCode()).isEqualTo(204);
    assertThat(cachedIds()).containsExactly(idb);
    assertThat(api.delete("/v2/cache/" + ida).statusCode()).as("an image not cached")
        .isEqualTo(204);
    assertThat(api.delete("/v2/cache/00000000-0000-0000-0000-000000000000").statusCode())
        .isEqualTo(404);
    assertThat(api.delete("/v2/cache/not-a-uuid").statusCode()).isEqualTo(404);

    // Clear only the queue, then only the cache, then both. Queued through the driver, which
    // leaves them queued (the API fetches at once).
    ImageCache cache = api.cache.orElseThrow();
    assertThat(cache.queue(ida)).isTrue();
    assertThat(clear("queue")).isEqualTo(204);
    assertThat(queuedIds()).isEmpty();
    assertThat(cachedIds()).containsExactly(idb);
    assertThat(cache.queue(ida)).isTrue();
    assertThat(clear("CACHE")).as("the target compared without case, as Glance").isEqualTo(204);
    assertThat(cachedIds()).isEmpty();
    assertThat(queuedIds()).containsExactly(ida);
    assertThat(cache.prefetch(new ImageServiceSource(api.service.service()))).isEqualTo(1);
    assertThat(cache.queue(idb)).isTrue();
    assertThat(clear(null)).isEqualTo(204);
    assertThat(cachedIds()).isEmpty();
    assertThat(queuedIds()).isEmpty();
    assertThat(clear("")).isEqualTo(204);
    assertThat(clear("all")).isEqualTo(400);

    // An entry whose image the registry no longer has can still be deleted.
    assertThat(cache.queue("c0ffee00-0000-0000-0000-000000000000")).isTrue();
    assertThat(api.delete("/v2/cache/c0ffee00-0000-0000-0000-000000000000").statusCode())
        .isEqualTo(204);
    assertThat(queuedIds()).isEmpty();
  }

  @Test
  void cacheApiIsForAdminsWhenAuthIsOn() throws Exception {
    start("""
        server:
          auth:
            tokens:
              tok-a: { project: pa, roles: [member] }
              tok-admin: { project: ops, roles: [admin] }
        """);
    assertThat(api.send(api.request("/v2/cache").header("X-Auth-Token", "tok-a").GET())
        .statusCode()).isEqualTo(403);
    assertThat(api.send(api.request("/v2/cache").header("X-Auth-Token", "tok-a").DELETE())
        .statusCode()).isEqualTo(403);
    assertThat(api.send(api.request("/v2/cache").GET()).statusCode()).isEqualTo(401);
    assertThat(api.send(api.request("/v2/cache").header("X-Auth-Token", "tok-admin").GET())
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aBrokenCacheFolderStillServesFromTheStore() throws Exception {
    start("");
    byte[] data = bytes(500_000, 6);
    String id = uploaded("f", data);
    // Where the cache writes its entries is no longer a folder: every cache write fails.
    Path incomplete = home.resolve("cache/incomplete");
    try (var s = Files.list(incomplete)) {
      assertThat(s.count()).isZero();
    }
    Files.delete(incomplete);
    Files.writeString(incomplete, "not a folder");
    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> r = download(id, null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(Arrays.equals(r.body(), data)).isTrue();
      assertThat(r.headers().firstValue("Content-MD5")).hasValue(md5(data));
    }
    assertThat(cachedIds()).doesNotContain(id);
  }

  @Test
  void aFullCacheDiskStillServesFromTheStore() throws Exception {
    Path cacheDir = Files.createDirectories(home.resolve("cache"));
    ApiFixture.Run mount = ApiFixture.run(home, List.of("mount", "-t", "tmpfs", "-o", "size=256k",
        "tmpfs", cacheDir.toString()), java.util.Map.of());
    if (mount.exitCode() != 0) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("cannot mount a tmpfs: " + mount.err());
      }
      org.junit.jupiter.api.Assumptions.abort("skipped: cannot mount a tmpfs here: " + mount.err());
    }
    try {
      start("");
      byte[] data = bytes(1024 * 1024, 7);
      String id = uploaded("big", data);
      for (int i = 0; i < 2; i++) {
        HttpResponse<byte[]> r = download(id, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Arrays.equals(r.body(), data)).isTrue();
        assertThat(r.headers().firstValue("Content-MD5")).hasValue(md5(data));
      }
      assertThat(cachedIds()).isEmpty();
      try (var s = Files.list(cacheDir.resolve("incomplete"))) {
        assertThat(s.count()).as("no partial entry left").isZero();
      }
      // A small image still fits and is cached.
      byte[] small = bytes(10_000, 8);
      String smallId = uploaded("small", small);
      assertThat(download(smallId, null).statusCode()).isEqualTo(200);
      awaitCached(smallId);
      assertThat(cachedIds()).containsExactly(smallId);
    } finally {
      stop();
      api = null;
      // Lazy: the driver's memory-mapped files stay mapped until the JVM collects them.
      ApiFixture.Run umount =
          ApiFixture.run(home, List.of("umount", "-l", cacheDir.toString()), java.util.Map.of());
      assertThat(umount.exitCode()).as(umount.err()).isZero();
    }
  }
}
