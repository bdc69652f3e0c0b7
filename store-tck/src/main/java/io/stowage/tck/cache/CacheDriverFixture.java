package io.stowage.tck.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import io.stowage.api.ImageData;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.ExpectedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cache contract tests stand on: the hook a driver's author implements, a fresh driver
 * over a fresh folder per test, and shared helpers. Users see it as {@link CacheDriverContract}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class CacheDriverFixture {
  static final int MIB = 1 << 20;
  private static final long WAIT_SECONDS = 60;

  private Path dir;
  private CacheDriver driver;
  private long images;

  CacheDriverFixture() {}

  /**
   * A new driver over {@code dir} (an empty folder that exists). Called before each test, and
   * again by the tests that reopen or open a second driver over the same folder.
   */
  protected abstract CacheDriver newDriver(Path dir);

  /** The driver under test. */
  protected final CacheDriver driver() {
    return driver;
  }

  /** The folder the driver under test was made over. */
  protected final Path cacheDir() {
    return dir;
  }

  @BeforeEach
  final void openDriverUnderTest(@TempDir Path tempDir) throws IOException {
    dir = Files.createDirectories(tempDir.resolve("cache"));
    driver = Objects.requireNonNull(newDriver(dir), "newDriver returned null");
  }

  @AfterEach
  final void closeDriverUnderTest() {
    if (driver != null) {
      driver.close();
    }
  }

  /** Closes the driver and makes a new one over the same folder. */
  final void reopen() {
    driver.close();
    driver = null;
    driver = Objects.requireNonNull(newDriver(dir), "newDriver returned null");
  }

  /** {@code size} bytes unlike any other image of the test. */
  final byte[] bytes(int size) {
    byte[] data = new byte[size];
    new Random(++images * 1_000_003L + size).nextBytes(data);
    return data;
  }

  /** Writes and commits {@code data} as {@code id}, its size expected. */
  final void cache(String id, byte[] data) throws IOException {
    try (CacheWriter writer = driver.openForWrite(id, ExpectedImage.unknown().withSize(data.length))) {
      writeAll(writer, data);
      writer.commit();
    }
  }

  /** Writes all of {@code data} in pieces of up to 64 KiB + 1, not committing. */
  static void writeAll(CacheWriter writer, byte[] data) throws IOException {
    int piece = 64 * 1024 + 1;
    for (int at = 0; at < data.length; at += piece) {
      ByteBuffer buffer = ByteBuffer.wrap(data, at, Math.min(piece, data.length - at));
      while (buffer.hasRemaining()) {
        writer.write(buffer);
      }
    }
  }

  /** Reads the entry of {@code id} (counting a hit), by channel or by transferTo. */
  final byte[] read(String id, boolean byTransfer) throws IOException {
    Optional<ImageData> opened = driver.openForRead(id);
    assertThat(opened).as("openForRead(" + id + ")").isPresent();
    try (ImageData data = opened.get()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (byTransfer) {
        long n = data.transferTo(Channels.newChannel(out));
        assertThat(n).as("transferTo's count").isEqualTo(out.size());
      } else {
        ByteBuffer buffer = ByteBuffer.allocate(8192 + 7);
        while (data.channel().read(buffer) >= 0) {
          out.write(buffer.array(), 0, buffer.position());
          buffer.clear();
        }
      }
      assertThat((long) out.size()).as("bytes read vs ImageData.size").isEqualTo(data.size());
      return out.toByteArray();
    }
  }

  /** Fails unless the bytes are the same, without printing megabytes. */
  static void assertSameBytes(byte[] actual, byte[] expected, String what) {
    if (!Arrays.equals(actual, expected)) {
      fail("%s: %d bytes differ from the %d expected (md5 %s vs %s)", what, actual.length,
          expected.length, hex("MD5", actual), hex("MD5", expected));
    }
  }

  /** The JDK's digest of {@code data}, lowercase hex. */
  static String hex(String jdkName, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(jdkName).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fails unless {@code call} throws one of {@code expected}; {@code what} names the call. */
  static void assertFails(String what, ThrowingCallable call, Class<?>... expected) {
    Throwable thrown = catchThrowable(call);
    if (thrown == null) {
      fail("%s succeeded; expected %s", what,
          Arrays.stream(expected).map(Class::getSimpleName).collect(Collectors.joining(" or ")));
    }
    assertThat(thrown).as(what).isInstanceOfAny(expected);
  }

  /** Runs each task on its own thread at once; returns each one's result or exception. */
  static List<Object> runAll(List<? extends Callable<?>> tasks) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Callable<?> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<Object> outcomes = new ArrayList<>();
      for (Future<?> future : futures) {
        try {
          outcomes.add(future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          outcomes.add(e.getCause());
        } catch (TimeoutException e) {
          fail("a concurrent call did not finish in " + WAIT_SECONDS + " s");
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }
}
