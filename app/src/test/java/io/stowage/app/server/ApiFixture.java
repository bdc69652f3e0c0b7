package io.stowage.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.app.Host;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.image.LocalImageService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real {@code stowage serve} in this JVM: the host booted from a configuration file with the
 * filesystem store plugin the build made, an SQLite registry, Undertow on a free loopback port.
 */
final class ApiFixture implements AutoCloseable {
  static final Path PLUGINS =
      Path.of(System.getProperty("stowage.test.plugins", "target/stowage/plugins")).toAbsolutePath();
  static final ObjectMapper JSON = new ObjectMapper();

  final Path home;
  final Path images;
  final Host host;
  final LocalImageService service;
  final Optional<ImageCache> cache;
  final ApiServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** @param extraYaml more configuration (server:, quota:) appended to the file */
  ApiFixture(Path home, String extraYaml) throws IOException {
    this.home = home;
    this.images = home.resolve("images");
    Path config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        registry: { url: "jdbc:sqlite:registry.db" }
        default_store: local
        stores:
          local: { type: filesystem, datadir: images }
          other: { type: filesystem, datadir: images2 }
        """.formatted(PLUGINS) + extraYaml);
    ConfigLoader loader = new ConfigLoader();
    HostConfig hostConfig = loader.load(config);
    this.host = Host.boot(hostConfig, loader);
    this.service = LocalImageService.open(host);
    this.cache = ImageCache.open(host);
    this.server = ApiServer.start(service.service(),
        hostConfig.server().listeningOn("127.0.0.1", 0), cache);
  }

  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET());
  }

  HttpResponse<String> post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> patch(String path, String json) {
    return send(request(path).header("Content-Type", ImagesResource.PATCH_TYPE)
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE());
  }

  HttpResponse<String> upload(String id, byte[] data) {
    return send(request("/v2/images/" + id + "/file")
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
  }

  /** Creates a raw/bare image and returns its id. */
  String create(String name) {
    HttpResponse<String> r = post("/v2/images",
        "{\"name\":\"" + name + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    if (r.statusCode() != 201) {
      throw new AssertionError("create: " + r.statusCode() + " " + r.body());
    }
    return json(r).get("id").asText();
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /** Every file under the stores' folders (temporary files included). */
  List<Path> storedFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir : List.of(images, home.resolve("images2"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.filter(Files::isRegularFile).forEach(files::add);
        }
      }
    }
    return files;
  }

  /** Runs a command (curl, glance) and returns its exit code, stdout and stderr. */
  static Run run(Path dir, List<String> command, java.util.Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
      pb.environment().putAll(env);
      Path out = Files.createTempFile(dir, "out", ".txt");
      Path err = Files.createTempFile(dir, "err", ".txt");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 300 s");
      }
      Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return run;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  record Run(int exitCode, String out, String err) {}

  /** Whether {@code tool} is on the PATH; fails under CI (where .ci/run installs it). */
  static boolean have(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError(tool + " is not installed (.ci/run installs it)");
    }
    return false;
  }

  @Override
  public void close() {
    server.close();
    cache.ifPresent(ImageCache::close);
    service.close();
    host.close();
  }
}
