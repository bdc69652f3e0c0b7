package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.app.registry.ImageQuery;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.ImageRegistry;
import io.stowage.app.registry.ImageStatus;
import io.stowage.app.registry.Scope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-project quota under concurrent uploads: the bytes are reserved in the registry, so
 * uploads racing for a project's last bytes never together store more than the quota; what
 * does not fit gets Glance's 413 and leaves no data and no reservation behind.
 */
class QuotaApiTest {
  static final int QUOTA = 1 << 20;
  static final int SIZE = 300 * 1024; // three fit in the quota, a fourth does not

  @TempDir static Path home;
  static ApiFixture api;

  @BeforeAll
  static void start() throws IOException {
    api = new ApiFixture(home, """
        server:
          auth:
            tokens:
              tok-q: { project: pq, roles: [member] }
              tok-r: { project: pr, roles: [member] }
        quota:
          per_project: 1MiB
        """);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static String create(String token) {
    HttpResponse<String> r = api.send(api.request("/v2/images").header("X-Auth-Token", token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"disk_format\":\"raw\",\"container_format\":\"bare\"}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ApiFixture.json(r).get("id").asText();
  }

  static HttpResponse<String> upload(String token, String id, byte[] data, boolean chunked) {
    HttpRequest.BodyPublisher body = chunked
        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))
        : HttpRequest.BodyPublishers.ofByteArray(data);
    return api.send(api.request("/v2/images/" + id + "/file").header("X-Auth-Token", token)
        .header("Content-Type", "application/octet-stream").PUT(body));
  }

  /** Uploads {@code n} images of the project at once; the statuses in image order. */
  static List<Integer> race(String token, int n, boolean chunked) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(create(token));
    }
    byte[] data = new byte[SIZE];
    new Random(5).nextBytes(data);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> results = new ArrayList<>();
      for (String id : ids) {
        results.add(pool.submit(() -> {
          go.await();
          return upload(token, id, data, chunked);
        }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> f : results) {
        HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
        if (r.statusCode() != 204) {
          ImagesApiTest.assertError(r, 413);
          assertThat(ApiFixture.json(r).at("/error/message").asText()).contains("quota");
        }
        statuses.add(r.statusCode());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The bytes in the store's files of these images. */
  static long storedBytes(List<ImageRecord> images) throws IOException {
    long sum = 0;
    for (ImageRecord image : images) {
      Path file = api.images.resolve(image.id());
      sum += Files.exists(file) ? Files.size(file) : 0;
    }
    return sum;
  }

  @Test
  void concurrentUploadsWithDeclaredSizesFitTheQuotaExactly() throws Exception {
    List<Integer> statuses = race("tok-q", 8, false);
    assertThat(statuses).as("three of 300 KiB fit in 1 MiB, first come first served")
        .filteredOn(s -> s == 204).hasSize(3);
    assertThat(statuses).filteredOn(s -> s == 413).hasSize(5);
    try (ImageRegistry registry = ImageRegistry.open(api.host.config().registry())) {
      assertThat(registry.bytesStoredBy("pq")).isEqualTo(3L * SIZE);
      assertThat(registry.bytesReservedBy("pq")).as("no reservation left behind").isZero();
      List<ImageRecord> images = registry.list(ImageQuery.builder(Scope.project("pq")).build()).images();
      assertThat(images).extracting(ImageRecord::status)
          .containsOnly(ImageStatus.ACTIVE, ImageStatus.QUEUED);
      assertThat(storedBytes(images)).isEqualTo(3L * SIZE).isLessThanOrEqualTo(QUOTA);
    }

    HttpResponse<String> anotherProject = upload("tok-r", create("tok-r"), new byte[SIZE], false);
    assertThat(anotherProject.statusCode()).as("quota is per project").isEqualTo(204);
  }

  @Test
  void concurrentChunkedUploadsNeverExceedTheQuota() throws Exception {
    List<Integer> statuses = race("tok-r", 6, true);
    assertThat(statuses).containsOnly(204, 413);
    try (ImageRegistry registry = ImageRegistry.open(api.host.config().registry())) {
      assertThat(registry.bytesStoredBy("pr")).isLessThanOrEqualTo(QUOTA);
      assertThat(registry.bytesReservedBy("pr")).isZero();
      assertThat(registry.list(ImageQuery.builder(Scope.ADMIN).statuses(List.of(ImageStatus.SAVING))
          .build()).images()).isEmpty();
    }
  }
}
