package io.stowage.api.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PositionalReaderTest {
  @TempDir Path dir;

  private Path image(int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(7).nextBytes(bytes);
    return Files.write(dir.resolve("image"), bytes);
  }

  /** The channel as a plugin may be handed it: seekable, but not a FileChannel. */
  private static SeekableByteChannel notAFile(FileChannel file) {
    return new SeekableByteChannel() {
      @Override public int read(ByteBuffer dst) throws IOException { return file.read(dst); }
      @Override public int write(ByteBuffer src) throws IOException { return file.write(src); }
      @Override public long position() throws IOException { return file.position(); }
      @Override public SeekableByteChannel position(long p) throws IOException {
        file.position(p);
        return this;
      }
      @Override public long size() throws IOException { return file.size(); }
      @Override public SeekableByteChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
      }
      @Override public boolean isOpen() { return file.isOpen(); }
      @Override public void close() throws IOException { file.close(); }
    };
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void concurrentReadersEachGetTheirRange(boolean fileChannel) throws Exception {
    Path f = image(1 << 20);
    byte[] expected = Files.readAllBytes(f);
    try (FileChannel file = FileChannel.open(f)) {
      PositionalReader reader = new PositionalReader(fileChannel ? file : notAFile(file));
      assertThat(reader.size()).isEqualTo(1 << 20);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> reads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int seed = t;
          reads.add(pool.submit(() -> {
            Random r = new Random(seed);
            for (int i = 0; i < 500; i++) {
              int at = r.nextInt(expected.length - 4096);
              ByteBuffer b = ByteBuffer.allocate(1 + r.nextInt(4096));
              reader.readFully(at, b);
              assertThat(b.array()).isEqualTo(Arrays.copyOfRange(expected, at, at + b.capacity()));
            }
            return null;
          }));
        }
        for (Future<?> read : reads) {
          read.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anImageThatShrankReadsAsDamage(boolean fileChannel) throws Exception {
    Path f = image(8192);
    try (FileChannel file = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      PositionalReader reader = new PositionalReader(fileChannel ? file : notAFile(file));
      file.truncate(6000);
      assertThatThrownBy(() -> reader.readFully(4096, ByteBuffer.allocate(4096)))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessage("the image ends early, at offset 6000 (it shrank while being read)");
    }
  }

  @Test
  void aClosedChannelIsAnIoFailure() throws Exception {
    FileChannel file = FileChannel.open(image(100));
    PositionalReader reader = new PositionalReader(file);
    file.close();
    assertThatThrownBy(() -> reader.readFully(0, ByteBuffer.allocate(10)))
        .isInstanceOf(StoreIOException.class).hasMessageStartingWith("cannot read the image: ");
    assertThatThrownBy(() -> new PositionalReader(file))
        .isInstanceOf(StoreIOException.class).hasMessageStartingWith("cannot read the image's size");
  }
}
