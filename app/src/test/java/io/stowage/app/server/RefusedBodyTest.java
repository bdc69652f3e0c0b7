package io.stowage.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request refused before its body is read still gets its answer, whatever the client does
 * with the rest of the body: the server reads and drops it before closing (a close with unread
 * bytes is a TCP reset, which discards the answer on the client's side).
 */
class RefusedBodyTest {
  private static final int ROUNDS = 30;

  @TempDir Path home;
  ApiFixture api;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isDirectory(ApiFixture.PLUGINS), "no plugins built in " + ApiFixture.PLUGINS);
    api = new ApiFixture(home, "");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** The JDK's client sends the whole body, then reads: every 413 must arrive. */
  @Test
  void aTooLargeJsonBodyIsAnsweredEveryTime() {
    String big = "{\"name\":\"" + "x".repeat(3 << 20) + "\"}";
    for (int i = 0; i < ROUNDS; i++) {
      var response = api.post("/v2/images", big);
      assertThat(response.statusCode()).as("round " + i).isEqualTo(413);
      assertThat(response.body()).contains("larger than");
      assertThat(response.headers().firstValue("Connection")).hasValue("close");
    }
    // the connection after is a fresh one, and works
    assertThat(api.get("/v2/images").statusCode()).isEqualTo(200);
  }

  /** An upload refused before its data is read (an unknown store), sent whole on a raw socket. */
  @Test
  void aRefusedUploadIsAnsweredAfterTheWholeBodyWasSent() throws Exception {
    String id = api.create("u");
    byte[] data = new byte[4 << 20];
    for (int i = 0; i < ROUNDS; i++) {
      String head = "PUT /v2/images/" + id + "/file HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/octet-stream\r\nx-image-meta-store: nosuch\r\n"
          + "Content-Length: " + data.length + "\r\n\r\n";
      String answer = exchange(head, data);
      assertThat(answer).as("round " + i).startsWith("HTTP/1.1 400 ");
      assertThat(answer).containsIgnoringCase("connection: close").contains("nosuch");
    }
    assertThat(ApiFixture.json(api.get("/v2/images/" + id)).get("status").asText())
        .isEqualTo("queued");
  }

  /**
   * An upload refused part way (more data than its declared size, in a chunked body): answered
   * at once, and the rest read within the lingering time, not all of it before the answer.
   */
  @Test
  void anUploadRefusedPartWayIsAnswered() throws Exception {
    String id = api.create("w");
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 << 10];
    for (int i = 0; i < 64; i++) { // 4 MiB against a declared 1 MiB
      chunked.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunked.write(chunk);
      chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < ROUNDS / 3; i++) {
      String head = "PUT /v2/images/" + id + "/file HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/octet-stream\r\nx-openstack-image-size: " + (1 << 20)
          + "\r\nTransfer-Encoding: chunked\r\n\r\n";
      String answer = exchange(head, chunked.toByteArray());
      assertThat(answer).as("round " + i).startsWith("HTTP/1.1 400 ");
      assertThat(answer).containsIgnoringCase("connection: close");
    }
    assertThat(ApiFixture.json(api.get("/v2/images/" + id)).get("status").asText())
        .isEqualTo("queued");
  }

  /** A client waiting for 100-continue has sent nothing: it is answered at once, not waited for. */
  @Test
  void aClientWaitingToContinueIsAnsweredWithoutWaiting() throws Exception {
    long start = System.nanoTime();
    String head = "POST /v2/images HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Expect: 100-continue\r\nContent-Length: " + (3 << 20) + "\r\n\r\n";
    String answer = exchange(head, new byte[0]);
    assertThat(answer).startsWith("HTTP/1.1 413 ");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(LingeringClose.MAX_MILLIS / 3);
  }

  /** Writes the whole request, then reads the whole answer until the server closes. */
  private String exchange(String head, byte[] body) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", api.server.port())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      for (int at = 0; at < body.length; at += 64 << 10) {
        out.write(Arrays.copyOfRange(body, at, Math.min(body.length, at + (64 << 10))));
      }
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.UTF_8);
    }
  }
}
