package io.stowage.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.DataStreamException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageMeterTest {
  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static String hex(String jdk, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(jdk).digest(data));
  }

  /** Collects what the sink is given, checking positions follow each other. */
  static final class Collecting implements ImageMeter.Sink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Integer> blocks = new ArrayList<>();

    @Override
    public void write(ByteBuffer block, long position) {
      assertThat(position).isEqualTo(bytes.size());
      assertThat(block.isReadOnly()).as("blocks are read-only").isTrue();
      blocks.add(block.remaining());
      byte[] b = new byte[block.remaining()];
      block.get(b);
      bytes.writeBytes(b);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4095, 4096, 4097, 3 * 4096, (1 << 20) + 3})
  void copiesEveryByteAndHashesWhatItCopied(int size) throws Exception {
    byte[] data = random(size);
    Collecting sink = new Collecting();
    ImageMeter.Reading r = ImageMeter.copy(
        AddRequest.of("x", new ByteArrayInputStream(data)).withDeclaredSize(size)
            .withHashAlgorithm(HashAlgorithm.SHA3_256), 4096, sink);
    assertThat(sink.bytes.toByteArray()).isEqualTo(data);
    assertThat(r.size()).isEqualTo(size);
    assertThat(r.md5()).isEqualTo(hex("MD5", data));
    assertThat(r.multihash().algorithm()).isEqualTo(HashAlgorithm.SHA3_256);
    assertThat(r.multihash().value()).isEqualTo(hex("SHA3-256", data));
    assertThat(sink.blocks.subList(0, Math.max(0, sink.blocks.size() - 1)))
        .as("every block but the last is full").allMatch(n -> n == 4096);
  }

  @Test
  void reportsProgressAfterEachBlockOnTheCallingThread() throws Exception {
    byte[] data = random(10_000);
    List<Long> reports = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    ImageMeter.copy(AddRequest.of("x", new ByteArrayInputStream(data))
        .withProgress((n, declared) -> {
          reports.add(n);
          threads.add(Thread.currentThread());
        }), 4096, new Collecting());
    assertThat(reports).containsExactly(4096L, 8192L, 10_000L);
    assertThat(threads).containsOnly(Thread.currentThread());
    List<Long> empty = new ArrayList<>();
    ImageMeter.copy(AddRequest.of("x", InputStream.nullInputStream())
        .withProgress((n, declared) -> empty.add(n)), new Collecting());
    assertThat(empty).containsExactly(0L);
  }

  @Test
  void refusesMoreThanTheCapAssoonAsItArrives() {
    byte[] data = random(100_000);
    Collecting sink = new Collecting();
    assertThatThrownBy(() -> ImageMeter.copy(
        AddRequest.of("x", new ByteArrayInputStream(data)).withSizeCap(5000), 4096, sink))
        .isInstanceOf(SizeCapExceededException.class).hasMessageContaining("5000");
    assertThat(sink.bytes.size()).as("bytes handed on before the cap was passed").isEqualTo(4096);
  }

  @Test
  void refusesASizeOtherThanTheDeclaredOne() {
    assertThatThrownBy(() -> ImageMeter.copy(
        AddRequest.of("x", new ByteArrayInputStream(random(10))).withDeclaredSize(11),
        new Collecting()))
        .isInstanceOf(SizeMismatchException.class).hasMessageContaining("11");
    assertThatThrownBy(() -> ImageMeter.copy(
        AddRequest.of("x", new ByteArrayInputStream(random(10_000))).withDeclaredSize(5000),
        4096, new Collecting()))
        .isInstanceOf(SizeMismatchException.class).hasMessageContaining("5000");
  }

  @Test
  void aFailingStreamIsADataStreamErrorAndASinkFailureComesOutAsItIs() {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("Connection reset by peer");
      }
    };
    assertThatThrownBy(() -> ImageMeter.copy(AddRequest.of("x", failing), new Collecting()))
        .isInstanceOf(DataStreamException.class).hasMessageContaining("Connection reset");
    IOException full = new IOException("No space left on device");
    assertThatThrownBy(() -> ImageMeter.copy(AddRequest.of("x", new ByteArrayInputStream(random(9))),
        (block, position) -> {
          throw full;
        })).isSameAs(full);
  }

  @Test
  void hashesOnOtherThreadsWhileTheSinkWrites() throws Exception {
    List<String> digesters = new ArrayList<>();
    ImageMeter.copy(AddRequest.of("x", new ByteArrayInputStream(random(64 * 1024))), 4096,
        (block, position) -> Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("stowage-digest-"))
            .forEach(t -> digesters.add(t.getName())));
    assertThat(digesters).isNotEmpty();
  }
}
