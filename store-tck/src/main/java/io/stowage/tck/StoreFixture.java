package io.stowage.tck;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.ImageData;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Store;
import io.stowage.api.StowageException;
import static io.stowage.tck.ImageBytes.assertSameBytes;
import static io.stowage.tck.ImageBytes.digest;
import static io.stowage.tck.ImageBytes.readByChannel;
import static io.stowage.tck.ImageBytes.readByTransfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * What every group of contract tests stands on: the hooks a store's author implements, a fresh
 * store over a fresh folder per test, and the checks the tests share. Users see it as {@link
 * StoreContract}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class StoreFixture {
  static final int MIB = 1 << 20;

  /** The id of the image a test stores first when it needs locations to predict others from. */
  static final String REFERENCE_ID = "tck-reference-image";

  private static final long WAIT_SECONDS = 60;

  private Path root;
  private Path workDir;
  private Store store;
  private long images;

  StoreFixture() {}

  /**
   * A new store whose data lives under {@code workDir} (an empty folder that exists), or
   * elsewhere if the store keeps it elsewhere. Called before each test, and again by the
   * reopening tests when {@link #persistent()} is true.
   */
  protected abstract Store newStore(Path workDir);

  /**
   * What the kit tests. Defaults to what the store declares; narrow it to skip tests of
   * something the store declares but a test run cannot exercise.
   */
  protected Set<Capability> capabilities() {
    return store.capabilities();
  }

  /** Whether the store refuses data past {@link AddRequest#sizeCap()}. Defaults to true. */
  protected boolean enforcesSizeCap() {
    return true;
  }

  /**
   * Whether a new store over the same work dir finds what an earlier one stored. Defaults to
   * false; a durable store returns true, and the kit then also checks that images survive
   * reopening and that a failed add leaves nothing for the next store either.
   */
  protected boolean persistent() {
    return false;
  }

  /**
   * The size of the units the store keeps an image's bytes in — chunks, blocks, parts, pages —
   * or 1 MiB if it has none. The ranged reads are aimed at its boundaries: images of about two
   * and a half units, and ranges that start, end or straddle a boundary.
   */
  protected int blockSize() {
    return MIB;
  }

  /**
   * The location the store would give an image stored as {@code imageId}, given the location it
   * gave the image {@code knownId}. The kit uses it to look for leftovers of failed adds and to
   * aim hostile locations at the store. The default replaces {@code knownId} in the URI text and
   * keeps the store id and metadata; override it when the store's URIs do not contain the image
   * id, or return empty to skip what needs it.
   */
  protected Optional<Location> locationForId(Location known, String knownId, String imageId) {
    String text = known.uri().toString();
    int at = text.lastIndexOf(knownId);
    if (at < 0) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(text.substring(0, at) + imageId + text.substring(at + knownId.length()));
      return Optional.of(new Location(uri, known.storeId(), known.metadata()));
    } catch (URISyntaxException | StowageException e) {
      return Optional.empty();
    }
  }

  /** The store under test. */
  protected final Store store() {
    return store;
  }

  /** The folder the store under test was made over. */
  protected final Path workDir() {
    return workDir;
  }

  /** The temporary folder that holds {@link #workDir()} three levels down. */
  final Path root() {
    return root;
  }

  @BeforeEach
  final void openStoreUnderTest(@TempDir Path tempDir) throws IOException {
    root = tempDir;
    // Nested, so that hostile locations climbing out of it have files to find on the way.
    workDir = Files.createDirectories(tempDir.resolve("outer").resolve("inner").resolve("work"));
    store = Objects.requireNonNull(newStore(workDir), "newStore returned null");
  }

  @AfterEach
  final void closeStoreUnderTest() {
    if (store != null) {
      store.close();
    }
  }

  /** Closes the store and makes a new one over the same folder. */
  final void reopen() {
    store.close();
    store = null;
    store = Objects.requireNonNull(newStore(workDir), "newStore returned null");
  }

  /** Skips the test, saying why, unless the kit tests every one of {@code needed}. */
  final void requires(Capability... needed) {
    Set<Capability> missing = EnumSet.noneOf(Capability.class);
    missing.addAll(Arrays.asList(needed));
    missing.removeAll(capabilities());
    assumeTrue(missing.isEmpty(), () -> "the store does not declare " + missing);
  }

  /** {@code size} bytes unlike any other image of the test. */
  final byte[] bytes(int size) {
    return ImageBytes.random(++images * 1_000_003L + size, size);
  }

  /** An add of {@code data} with its size declared. */
  static AddRequest request(String id, byte[] data) {
    return AddRequest.of(id, SourceStream.of(data)).withDeclaredSize(data.length);
  }

  /** Stores a small reference image and predicts the location of {@code id} from it. */
  final Location predictedLocation(String id) {
    Location reference = store.add(request(REFERENCE_ID, bytes(10))).location();
    Optional<Location> location = locationForId(reference, REFERENCE_ID, id);
    assumeTrue(location.isPresent(), "locationForId cannot predict locations; override it");
    return location.get();
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

  /** Checks {@code result} against the input and the store's own answers about the image. */
  final void assertHolds(AddResult result, byte[] data) throws IOException {
    assertThat(result.size()).as("AddResult.size").isEqualTo(data.length);
    assertThat(result.md5()).as("AddResult.md5 (the JDK's MD5 of the input)")
        .isEqualTo(digest("MD5", data));
    String jdkName = result.multihash().algorithm().newDigest().getAlgorithm();
    assertThat(result.multihash().value())
        .as("AddResult.multihash (the JDK's " + jdkName + " of the input)")
        .isEqualTo(digest(jdkName, data));
    Location location = result.location();
    assertThat(store.schemes()).as("the store's schemes").contains(location.scheme());
    assertThat(location.storeId()).as("Location.storeId")
        .isIn(Optional.empty(), Optional.of(store.id()));
    assertThat(store.owns(location.uri())).as("the store owns " + location).isTrue();
    assertThat(store.size(location)).as("Store.size of " + location).isEqualTo(data.length);
    if (capabilities().contains(Capability.READ)) {
      assertReads(location, data);
    }
  }

  /** Reads the whole image by channel and by transferTo; both must be {@code data}. */
  final void assertReads(Location location, byte[] data) throws IOException {
    try (ImageData image = store.get(location, ByteRange.ALL)) {
      assertThat(image.size()).as("ImageData.size of " + location).isEqualTo(data.length);
      assertSameBytes(readByChannel(image), data, "bytes read by channel from " + location);
    }
    try (ImageData image = store.get(location, ByteRange.ALL)) {
      assertSameBytes(readByTransfer(image), data, "bytes read by transferTo from " + location);
    }
  }

  /**
   * After a failed add of {@code id}: the files under the work dir are as {@code before}, the
   * id's predicted location is not found, and the id can be added.
   */
  final void assertNothingKept(String id, WorkDirSnapshot before, Location reference)
      throws IOException {
    assertThat(WorkDirSnapshot.of(workDir).files())
        .as("files under the work dir after the failed add").isEqualTo(before.files());
    Optional<Location> location = locationForId(reference, REFERENCE_ID, id);
    if (location.isPresent()) {
      assertFails("size after the failed add", () -> store.size(location.get()),
          NotFoundException.class);
      assertFails("get after the failed add",
          () -> store.get(location.get(), ByteRange.ALL).close(), NotFoundException.class);
    }
    byte[] retry = bytes(4099);
    assertHolds(store.add(request(id, retry)), retry);
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
