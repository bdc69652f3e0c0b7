package io.stowage.tck;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Store;
import static io.stowage.tck.ImageBytes.assertSameBytes;
import static io.stowage.tck.ImageBytes.readByChannel;
import static io.stowage.tck.ImageBytes.readByTransfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link Store} keeps, as JUnit 5 tests. A backend runs it by extending this
 * class in its own tests and saying how to build a store over a folder:
 *
 * <pre>{@code
 * class MyStoreContractTest extends StoreContract {
 *   @Override
 *   protected Store newStore(Path workDir) {
 *     return new MyStoreProvider()
 *         .create(new MyConfig(workDir.toString()), new InstanceContext("tck", workDir));
 *   }
 *
 *   @Override
 *   protected boolean persistent() {  // optional: the store's data outlives the instance
 *     return true;
 *   }
 * }
 * }</pre>
 *
 * <p>Depend on {@code io.stowage:store-tck} in {@code test} scope; it brings JUnit Jupiter
 * (engine included) and AssertJ, so surefire runs the contract with no further setup.
 *
 * <p>Each test gets a fresh store over a fresh, empty work dir and closes it afterwards. Tests
 * of something the store does not declare in {@link Store#capabilities()} are skipped with a
 * message: a store without {@link Capability#WRITE} skips every test that adds, one without
 * {@link Capability#RANGED_READ} the ranged reads, one without {@link Capability#DELETE} the
 * deletes. The other hooks — {@link #capabilities()}, {@link #enforcesSizeCap()}, {@link
 * #persistent()}, {@link #blockSize()} and {@link #locationForId} — have defaults that suit most
 * stores.
 *
 * <p>What is checked: bytes and hashes round-trip (md5 and the multihash against the JDK's own
 * digests of the input, for every {@link io.stowage.api.HashAlgorithm}, sizes from 0 to 5 MiB + 3,
 * with runs of zeros); sizes; locations in the store's schemes and readable from their URI text
 * alone; duplicate ids; look-alike ids (case, Unicode forms, trailing dots) kept apart; the
 * longest ids; missing images; deletes; empty images; unknown sizes; progress reports; declared
 * sizes the stream does not match, streams that fail midway and data past the size cap (refused,
 * and nothing kept); nothing readable while an add is in flight; ranged reads that start, end or
 * straddle the store's {@link #blockSize() block} boundaries; concurrent adds of different ids
 * and of one id; concurrent and interleaved reads; hostile locations (nothing found outside the
 * store, nothing harmed); reopening, for a {@link #persistent()} store. The kit's own self-test
 * runs every one of these tests against a store broken on purpose and checks that it fails.
 *
 * <p>"Nothing kept" after a failed add is checked three ways: the files under the work dir are
 * the same as before the add, the location the id would have had is not found, and the id can
 * be added afterwards. A store that keeps its data outside the work dir gets the last two.
 *
 * <p>Each test has two minutes, so a store that hangs fails instead of stalling the build. Add
 * your own tests to the subclass as usual; {@link #store()} and {@link #workDir()} give the
 * store and folder under test.
 */
public abstract class StoreContract extends FailureTests {
  private static final int THREADS = 8;
  private static final long WAIT_SECONDS = 60;

  /** For subclasses. */
  protected StoreContract() {}

  /** A range described relative to the store's {@link #blockSize()} and the image's size. */
  interface RangeShape {
    ByteRange of(long size, long block);
  }

  private static Arguments shape(String name, RangeShape shape) {
    return Arguments.of(Named.of(name, shape));
  }

  static Stream<Arguments> ranges() {
    return Stream.of(
        shape("nothing at the start", (s, b) -> ByteRange.of(0, 0)),
        shape("the first byte", (s, b) -> ByteRange.of(0, 1)),
        shape("everything, by length", (s, b) -> ByteRange.of(0, s)),
        shape("all but the first and last byte", (s, b) -> ByteRange.of(1, s - 2)),
        shape("the last byte", (s, b) -> ByteRange.of(s - 1, 1)),
        shape("the last byte of the first block", (s, b) -> ByteRange.of(b - 1, 1)),
        shape("the first byte of the second block", (s, b) -> ByteRange.of(b, 1)),
        shape("two bytes across the first boundary", (s, b) -> ByteRange.of(b - 1, 2)),
        shape("exactly the second block", (s, b) -> ByteRange.of(b, b)),
        shape("the second block and a byte either side", (s, b) -> ByteRange.of(b - 1, b + 2)),
        shape("across two boundaries", (s, b) -> ByteRange.of(b / 2, b + b / 2 + 3)),
        shape("the middle of a block", (s, b) -> ByteRange.of(b + b / 3, Math.max(1, b / 3))),
        shape("past the end from the middle", (s, b) -> ByteRange.of(100, s)),
        shape("past the end near it", (s, b) -> ByteRange.of(s - 5, 100)),
        shape("a length of Long.MAX_VALUE", (s, b) -> ByteRange.of(0, Long.MAX_VALUE)),
        shape("from byte 1", (s, b) -> ByteRange.from(1)),
        shape("from the first boundary", (s, b) -> ByteRange.from(b)),
        shape("from just after the second boundary", (s, b) -> ByteRange.from(2L * b + 1)),
        shape("from the last byte", (s, b) -> ByteRange.from(s - 1)));
  }

  /** Two and a half blocks and a few bytes: two internal boundaries and a partial last block. */
  private int rangedSize() {
    return Math.toIntExact(2L * blockSize() + blockSize() / 2 + 17);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void readsARange(RangeShape shape) throws IOException {
    requires(Capability.WRITE, Capability.RANGED_READ);
    int size = rangedSize();
    ByteRange range = shape.of(size, blockSize());
    long from = range.offset();
    long to = Math.min(size, from + range.length().orElse(size));
    byte[] data = bytes(size);
    Location location = store().add(request("tck-image", data)).location();
    byte[] expected = Arrays.copyOfRange(data, (int) from, (int) to);
    try (ImageData image = store().get(location, range)) {
      assertThat(image.size()).as("ImageData.size of " + range).isEqualTo(expected.length);
      assertSameBytes(readByChannel(image), expected, "bytes of " + range + " by channel");
    }
    try (ImageData image = store().get(location, range)) {
      assertSameBytes(readByTransfer(image), expected, "bytes of " + range + " by transferTo");
    }
  }

  @ParameterizedTest(name = "{0} bytes past the end")
  @ValueSource(longs = {1, 1000, Long.MAX_VALUE})
  void aRangeStartingPastTheEndIsInvalid(long past) {
    requires(Capability.WRITE, Capability.RANGED_READ);
    int size = rangedSize();
    long offset = past == Long.MAX_VALUE ? past : size + past;
    Location location = store().add(request("tck-image", bytes(size))).location();
    for (ByteRange range :
        List.of(ByteRange.from(offset), ByteRange.of(offset, 1), ByteRange.of(offset, 0))) {
      assertFails("get of " + range + " of " + size + " bytes",
          () -> store().get(location, range).close(), InvalidRequestException.class);
    }
  }

  /** Where the end is, {@link ByteRange#lengthWithin} says what a range means. */
  @ParameterizedTest(name = "{0}-byte image")
  @ValueSource(ints = {0, 1, 4096})
  void rangesAtTheEndFollowByteRange(int size) throws IOException {
    requires(Capability.WRITE, Capability.RANGED_READ);
    Location location = store().add(request("tck-image", bytes(size))).location();
    List<ByteRange> ranges = List.of(ByteRange.from(size), ByteRange.of(size, 0),
        ByteRange.of(size, 1), ByteRange.from(size + 1));
    for (ByteRange range : ranges) {
      long expected;
      try {
        expected = range.lengthWithin(size);
      } catch (InvalidRequestException e) {
        assertFails("get of " + range + " of " + size + " bytes",
            () -> store().get(location, range).close(), InvalidRequestException.class);
        continue;
      }
      try (ImageData image = store().get(location, range)) {
        assertThat(image.size()).as("ImageData.size of " + range).isEqualTo(expected);
        assertThat(readByChannel(image)).as("bytes of " + range).hasSize((int) expected);
      }
    }
  }

  @Test
  void concurrentAddsOfDifferentIdsAllSucceed() throws Exception {
    requires(Capability.WRITE, Capability.READ);
    List<byte[]> inputs = inputs();
    List<Object> outcomes = addAtOnce(inputs, i -> "tck-image-" + i);
    for (int i = 0; i < THREADS; i++) {
      assertThat(outcomes.get(i)).as("add " + i).isInstanceOf(AddResult.class);
      assertHolds((AddResult) outcomes.get(i), inputs.get(i));
    }
  }

  @Test
  void concurrentAddsOfOneIdEndWithOneSuccess() throws Exception {
    requires(Capability.WRITE, Capability.READ);
    List<byte[]> inputs = inputs();
    List<Object> outcomes = addAtOnce(inputs, i -> "tck-image");
    int winner = -1;
    for (int i = 0; i < THREADS; i++) {
      Object outcome = outcomes.get(i);
      if (outcome instanceof AddResult) {
        assertThat(winner).as("the add that succeeded before add " + i + " did too").isEqualTo(-1);
        winner = i;
      } else {
        assertThat(outcome).as("add " + i + " of a taken id")
            .isInstanceOf(DuplicateException.class);
      }
    }
    assertThat(winner).as("the add that succeeded").isNotNegative();
    assertHolds((AddResult) outcomes.get(winner), inputs.get(winner));
  }

  @Test
  void concurrentReadsOfOneImageAgree() throws Exception {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(MIB + 3);
    Location location = store().add(request("tck-image", data)).location();
    List<Callable<byte[]>> reads = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      reads.add(() -> {
        try (ImageData image = store().get(location, ByteRange.ALL)) {
          return readByChannel(image);
        }
      });
    }
    for (Object outcome : runAll(reads)) {
      assertThat(outcome).as("a concurrent read").isInstanceOf(byte[].class);
      assertSameBytes((byte[]) outcome, data, "bytes read concurrently");
    }
    // Several reads open at once, advanced in turns: each keeps its own position.
    List<ImageData> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(store().get(location, ByteRange.ALL));
      }
      List<java.io.ByteArrayOutputStream> got = new ArrayList<>();
      open.forEach(image -> got.add(new java.io.ByteArrayOutputStream()));
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64 * 1024);
      boolean more = true;
      while (more) {
        more = false;
        for (int i = 0; i < open.size(); i++) {
          buffer.clear();
          int n = open.get(i).channel().read(buffer);
          if (n > 0) {
            got.get(i).write(buffer.array(), 0, n);
          }
          more |= n >= 0;
        }
      }
      for (int i = 0; i < open.size(); i++) {
        assertSameBytes(got.get(i).toByteArray(), data, "bytes of read " + i + " of 3 open at once");
      }
    } finally {
      for (ImageData image : open) {
        image.close();
      }
    }
  }

  @Test
  void nothingIsReadableWhileAnAddIsInFlight() throws Exception {
    requires(Capability.WRITE, Capability.READ);
    Location location = predictedLocation("tck-image");
    byte[] data = bytes(MIB + 1);
    CountDownLatch midway = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    SourceStream source = SourceStream.of(data).pausingAt(data.length / 2, () -> {
      midway.countDown();
      try {
        resume.await(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ExecutorService adder = Executors.newSingleThreadExecutor();
    try {
      Future<AddResult> add = adder.submit(
          () -> store().add(AddRequest.of("tck-image", source).withDeclaredSize(data.length)));
      try {
        assertThat(midway.await(WAIT_SECONDS, TimeUnit.SECONDS))
            .as("the add reached the middle of its data").isTrue();
        assertFails("get while the add is halfway",
            () -> store().get(location, ByteRange.ALL).close(), NotFoundException.class);
        assertFails("size while the add is halfway", () -> store().size(location),
            NotFoundException.class);
      } finally {
        resume.countDown();
      }
      assertHolds(add.get(WAIT_SECONDS, TimeUnit.SECONDS), data);
    } finally {
      adder.shutdownNow();
    }
  }

  private List<byte[]> inputs() {
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      inputs.add(bytes(256 * 1024 + i));
    }
    return inputs;
  }

  /** Adds each input on its own thread, all of them pausing halfway until all are halfway. */
  private List<Object> addAtOnce(List<byte[]> inputs, IntFunction<String> ids)
      throws InterruptedException {
    CyclicBarrier halfway = new CyclicBarrier(inputs.size());
    List<Callable<AddResult>> adds = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      byte[] data = inputs.get(i);
      SourceStream source =
          SourceStream.of(data).pausingAt(data.length / 2, SourceStream.rendezvous(halfway));
      AddRequest request = AddRequest.of(ids.apply(i), source).withDeclaredSize(data.length);
      adds.add(() -> store().add(request));
    }
    return runAll(adds);
  }
}
