package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads sent from a local file by the connection's I/O thread ({@link FileRegionSend}): a
 * client that goes away mid-body, or a server stopped mid-body, leaves no descriptor open on the
 * cache entry or the store's file, a hit still counts once (the driver counts it when the entry
 * is opened), and the connection serves the next request after a whole body.
 */
class DownloadSendTest {
  /** More than loopback's socket buffers hold, so the sends below are cut mid-body. */
  static final int SIZE = 24 * 1024 * 1024 + 5;

  @TempDir Path home;
  ApiFixture api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  void start() throws IOException {
    api = new ApiFixture(home, """
        cache:
          driver: xattr
          dir: cache
          max_size: 256MiB
          stall_time: 1h
        """);
  }

  /** An image uploaded, downloaded once (filling the cache) and committed to the cache. */
  String cachedImage(byte[] data) throws Exception {
    String id = api.create("big");
    assertThat(api.upload(id, data).statusCode()).isEqualTo(204);
    HttpResponse<byte[]> fill = api.http.send(api.request("/v2/images/" + id + "/file").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(Arrays.equals(fill.body(), data)).isTrue();
    for (int i = 0; i < 100 && hits(id) < 0; i++) {
      Thread.sleep(50);
    }
    assertThat(hits(id)).isZero();
    return id;
  }

  /** The entry's hit count from the cache API; -1 while it is not cached. */
  long hits(String id) {
    for (var entry : ApiFixture.json(api.get("/v2/cache")).get("cached_images")) {
      if (entry.get("image_id").asText().equals(id)) {
        return entry.get("hits").asLong();
      }
    }
    return -1;
  }

  /** A client that asks for the body, reads the headers and a little of it, then stops reading. */
  Socket stalledDownload(String id, String range) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", api.server.port()));
    OutputStream request = socket.getOutputStream();
    request.write(("GET /v2/images/" + id + "/file HTTP/1.1\r\nHost: localhost\r\n"
        + (range == null ? "" : "Range: " + range + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
    request.flush();
    InputStream response = socket.getInputStream();
    byte[] head = response.readNBytes(64 * 1024);
    String text = new String(head, 0, 12, StandardCharsets.US_ASCII);
    assertThat(text).isEqualTo(range == null ? "HTTP/1.1 200" : "HTTP/1.1 206");
    return socket;
  }

  /** This JVM's descriptors open on {@code file}. */
  static List<Path> descriptorsOn(Path file) throws IOException {
    List<Path> open = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).equals(file)) {
            open.add(fd);
          }
        } catch (IOException e) {
          // Closed while listed.
        }
      }
    }
    return open;
  }

  static void awaitClosed(Path file) throws Exception {
    for (int i = 0; i < 200 && !descriptorsOn(file).isEmpty(); i++) {
      Thread.sleep(25);
    }
    assertThat(descriptorsOn(file)).as("descriptors open on " + file).isEmpty();
  }

  @Test
  void aClientGoneMidHitLeavesNoDescriptorAndCountsTheHit() throws Exception {
    start();
    String id = cachedImage(ImageCacheApiTest.bytes(SIZE, 7));
    Path entry = home.resolve("cache").resolve(id).toRealPath();

    Socket client = stalledDownload(id, null);
    assertThat(descriptorsOn(entry)).as("the send holds the entry open").isNotEmpty();
    client.setSoLinger(true, 0); // a reset, as a killed client's
    client.close();

    awaitClosed(entry);
    assertThat(hits(id)).isEqualTo(1);
    assertThat(Files.size(entry)).isEqualTo(SIZE);
    try (Stream<Path> incomplete = Files.list(home.resolve("cache/incomplete"))) {
      assertThat(incomplete.count()).isZero();
    }
  }

  @Test
  void aClientGoneMidRangeFromTheStoreLeavesNoDescriptor() throws Exception {
    start();
    byte[] data = ImageCacheApiTest.bytes(SIZE, 8);
    String id = api.create("ranged");
    assertThat(api.upload(id, data).statusCode()).isEqualTo(204);
    Path stored = api.storedFiles().get(0).toRealPath();

    Socket client = stalledDownload(id, "bytes=1-");
    assertThat(descriptorsOn(stored)).isNotEmpty();
    client.close(); // an orderly close: the server learns of it from a failed write

    awaitClosed(stored);
    // The connection's trouble stayed its own: the server answers the next client, whole.
    HttpResponse<byte[]> again = api.http.send(api.request("/v2/images/" + id + "/file")
        .header("Range", "bytes=1-").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(again.statusCode()).isEqualTo(206);
    assertThat(Arrays.equals(again.body(), Arrays.copyOfRange(data, 1, SIZE))).isTrue();
  }

  @Test
  void aServerStoppedMidSendLeavesNoDescriptor() throws Exception {
    start();
    String id = cachedImage(ImageCacheApiTest.bytes(SIZE, 9));
    Path entry = home.resolve("cache").resolve(id).toRealPath();
    try (Socket client = stalledDownload(id, null)) {
      assertThat(descriptorsOn(entry)).isNotEmpty();
      api.server.close();
      awaitClosed(entry);
    }
  }

  @Test
  void keepAliveRequestsAfterWholeBodiesAreServed() throws Exception {
    start();
    byte[] data = ImageCacheApiTest.bytes(SIZE, 10);
    String id = cachedImage(data);
    Path entry = home.resolve("cache").resolve(id).toRealPath();
    // java.net.http keeps one connection alive: each request after the first reuses it.
    for (int i = 1; i <= 3; i++) {
      HttpResponse<byte[]> hit = api.http.send(api.request("/v2/images/" + id + "/file").GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(hit.statusCode()).isEqualTo(200);
      assertThat(Arrays.equals(hit.body(), data)).isTrue();
      HttpResponse<byte[]> part = api.http.send(api.request("/v2/images/" + id + "/file")
          .header("Range", "bytes=" + (SIZE - 10) + "-").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.body()).isEqualTo(Arrays.copyOfRange(data, SIZE - 10, SIZE));
      assertThat(hits(id)).isEqualTo(i);
    }
    awaitClosed(entry);
  }
}
