package io.stowage.app.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.disk.SparseChannel;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host's raw writer on real files: several chunks copied by both workers, data and all-zero
 * chunks, through the kernel ({@link SparseChannel#transferTo}) or through a buffer.
 */
class RawConverterTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /**
   * The output is the input byte for byte, and until the commit another process sees its
   * temporary file as held by a live writer: the copy must not open and close descriptors of
   * its own on it (closing any descriptor drops the process's POSIX lock on the file).
   */
  @ParameterizedTest(name = "kernel copies: {0}")
  @ValueSource(booleans = {true, false})
  void copiesEveryByteAndKeepsTheTemporaryFileHeld(boolean kernelCopies) throws Exception {
    Path in = dir.resolve("in.raw");
    byte[] data = new byte[45 * MIB + 512]; // six chunks, the last partial
    Random random = new Random(11);
    for (int mib = 0; mib < 45; mib++) {
      if (mib / 8 != 2) { // the third chunk stays all zeros
        for (int i = mib * MIB; i < (mib + 1) * MIB; i += 4096) {
          data[i + random.nextInt(4096)] = (byte) (1 + random.nextInt(255));
        }
      }
    }
    data[data.length - 1] = 7;
    Files.write(in, data);
    Path out = dir.resolve("out.raw");
    try (FileChannel file = FileChannel.open(in, StandardOpenOption.READ);
        SeekableByteChannel source = kernelCopies ? new FileBacked(file) : file;
        AtomicFile temp = AtomicFile.create(out)) {
      assertThat(RawConverter.copy(source, temp)).isEqualTo(data.length);
      if (temp.locked()) {
        assertThat(sweepFromAnotherProcess()).isEqualTo("0");
        assertThat(temp.temporary()).exists();
      }
      temp.commit(AtomicFile.Commit.NEW, true);
    }
    assertThat(Files.mismatch(in, out)).isEqualTo(-1L);
    assertThat(sweepFromAnotherProcess()).isEqualTo("0");
  }

  /** Runs {@link Sweeper} in a new JVM and returns what it printed. */
  private String sweepFromAnotherProcess() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Sweeper.class.getName(), dir.toString()).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(printed).isZero();
    return printed;
  }

  /** Another process: removes the abandoned temporary files of a folder, prints how many. */
  public static final class Sweeper {
    public static void main(String[] args) throws IOException {
      System.out.println(AtomicFile.removeAbandoned(Path.of(args[0])).size());
    }
  }

  /** A source whose data lies in its file as it is: no holes, data handed to the kernel. */
  private record FileBacked(FileChannel file) implements SparseChannel {
    @Override
    public long nextData(long from) throws IOException {
      return Math.min(from, file.size());
    }

    @Override
    public long nextHole(long from) throws IOException {
      return file.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      long done = 0;
      while (done < count) {
        long n = file.transferTo(position + done, count - done, target);
        if (n <= 0) {
          break;
        }
        done += n;
      }
      return done;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return file.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
      return file.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      file.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
