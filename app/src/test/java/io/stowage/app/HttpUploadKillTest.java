package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill suite for HTTP uploads: a real {@code stowage serve} child process, SIGKILLed while
 * {@code PUT /v2/images/{id}/file} streams, at seeded byte points. After each kill a new server
 * starts on the same registry and stores: the image is not active with a partial size, no data
 * file has its final name, the upload is back in {@code queued} (its lease died with the
 * process), and the retry of the same upload succeeds with the right bytes and leaves no
 * temporary file. Images completed earlier read back whole at the end. Reproduce with
 * {@code -Dstowage.kill.seed=N}; {@code -Dstowage.kill.points=N} sets the kill points.
 */
class HttpUploadKillTest {
  static final Path PLUGINS = DistributionTest.PLUGINS.toAbsolutePath();
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  Path config;
  Path data;
  Random random;
  Process server;
  String base;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void setUp(TestInfo test) throws IOException {
    assumeTrue(Files.isDirectory(PLUGINS), "no plugins built in " + PLUGINS + " (run mvn verify)");
    long seed = KillTest.SEED ^ test.getDisplayName().hashCode();
    System.out.printf("kill: %s seed=%d (stowage.kill.seed=%d) points=%d%n",
        test.getDisplayName(), seed, KillTest.SEED, KillTest.POINTS);
    random = new Random(seed);
    data = home.resolve("data/images");
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        registry: { url: "jdbc:sqlite:data/registry.db" }
        default_store: local
        stores:
          local: { type: filesystem, datadir: data/images }
        """.formatted(PLUGINS));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void uploadsKilledMidStreamAreRetried() throws Exception {
    start();
    Map<String, String> completed = new LinkedHashMap<>();
    int requeued = 0;
    for (int point = 0; point < KillTest.POINTS; point++) {
      byte[] image = new byte[(1 + random.nextInt(8)) << 20];
      random.nextBytes(image);
      // Mostly inside the body; now and then the headers only, or every byte sent.
      int kind = random.nextInt(10);
      long killAfter = kind == 0 ? 0 : kind == 1 ? image.length
          : (long) (random.nextDouble() * image.length);
      String id = create("kill-" + point);
      String at = "point " + point + ": kill after " + killAfter + " of " + image.length + " bytes";

      try (Socket socket = new Socket("127.0.0.1", port())) {
        OutputStream out = socket.getOutputStream();
        out.write(("PUT /v2/images/" + id + "/file HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: " + image.length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(image, 0, (int) killAfter);
        out.flush();
        awaitUploadStarted(id, at);
        TimeUnit.MILLISECONDS.sleep(random.nextInt(50));
        server.destroyForcibly();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as(at).isTrue();
      }

      start(); // the new server requeues the dead upload before it serves
      JsonNode after = show(id);
      String status = after.get("status").asText();
      if (status.equals("active")) {
        // It finished before the kill: whole, never partial.
        assertThat(killAfter).as(at + ": active though not every byte was sent").isEqualTo(image.length);
        assertThat(download(id)).as(at).isEqualTo(sha256(image));
      } else {
        assertThat(status).as(at + ": the dead upload is back in queued").isEqualTo("queued");
        requeued++;
        assertThat(after.get("size").isNull()).as(at + ": no partial size").isTrue();
        assertThat(data.resolve(id)).as(at + ": no data under the final name").doesNotExist();
        HttpResponse<String> retry = send(request("/v2/images/" + id + "/file")
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(image)));
        assertThat(retry.statusCode()).as(at + ": the retry succeeds: " + retry.body()).isEqualTo(204);
        assertThat(show(id).get("size").asLong()).as(at).isEqualTo(image.length);
        assertThat(download(id)).as(at).isEqualTo(sha256(image));
      }
      assertThat(hidden()).as(at + ": nothing left behind").isEmpty();
      completed.put(id, sha256(image));
    }
    System.out.printf("kill: %d uploads killed; %d requeued and retried, %d finished before the kill%n",
        KillTest.POINTS, requeued, KillTest.POINTS - requeued);
    for (Map.Entry<String, String> e : completed.entrySet()) {
      assertThat(download(e.getKey())).as("image " + e.getKey() + " intact").isEqualTo(e.getValue());
    }
  }

  /** The server took the request: the image went to saving (or the upload is done already). */
  private void awaitUploadStarted(String id, String at) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String status = show(id).get("status").asText();
      if (!status.equals("queued")) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    throw new AssertionError(at + ": the upload never started");
  }

  private void start() throws IOException, InterruptedException {
    Path out = Files.createTempFile(home, "serve", ".out");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.stowage.app.cli.Main",
        "serve", "--port", "0", "--config", config.toString()));
    server = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(home.resolve("serve.err").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(Files.readString(out));
      if (m.find()) {
        base = "http://127.0.0.1:" + m.group(1);
        return;
      }
      if (!server.isAlive()) {
        throw new AssertionError("stowage serve exited " + server.exitValue() + ": "
            + Files.readString(home.resolve("serve.err")));
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError("stowage serve did not start in 120 s");
  }

  private int port() {
    return URI.create(base).getPort();
  }

  private String create(String name) throws IOException {
    HttpResponse<String> r = send(request("/v2/images").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"name\":\"" + name + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("id").asText();
  }

  private JsonNode show(String id) {
    HttpResponse<String> r = send(request("/v2/images/" + id).GET());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError(r.body(), e);
    }
  }

  private String download(String id) throws Exception {
    HttpResponse<byte[]> r = http.send(request("/v2/images/" + id + "/file").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return sha256(r.body());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<Path> hidden() throws IOException {
    if (!Files.isDirectory(data)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(data)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
