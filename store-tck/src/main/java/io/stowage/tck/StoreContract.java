package io.stowage.tck;

import static io.stowage.tck.ImageBytes.assertSameBytes;
import static io.stowage.tck.ImageBytes.digest;
import static io.stowage.tck.ImageBytes.readByChannel;
import static io.stowage.tck.ImageBytes.readByTransfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.api.AddRequest;
import io.stowage.api.AddResult;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.Capability;
import io.stowage.api.DataStreamException;
import io.stowage.api.DuplicateException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.Store;
import io.stowage.api.StoreException;
import io.stowage.api.UnsupportedStoreOperationException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
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
 *         .create("tck", new MyConfig(workDir), new StoreContext("tck", workDir));
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh store over a fresh, empty work dir and closes it afterwards. Tests
 * of something the store does not declare in {@link Store#capabilities()} are skipped with a
 * message (a read-only store skips every test that adds; one without {@link
 * Capability#RANGED_READ} skips the ranged reads). The other hooks — {@link #capabilities()},
 * {@link #enforcesSizeCap()}, {@link #persistent()}, {@link #locationForId} — have defaults that
 * suit most stores.
 *
 * <p>"Nothing kept" after a failed add is checked three ways: the files under the work dir are
 * the same as before the add, the location the id would have had is not found, and the id can
 * be added again. A store that keeps its data outside the work dir is only checked the last two
 * ways.
 *
 * <p>Each test has two minutes: a store that hangs fails instead of stalling the build. Add your
 * own tests in the subclass as usual; {@link #store()} and {@link #workDir()} give
 * the store and folder under test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StoreContract {
  /** The id of the image the failure tests store first, to predict locations from. */
  private static final String REFERENCE_ID = "tck-reference-image";

  private static final int MIB = 1 << 20;
  private static final int THREADS = 8;
  private static final long WAIT_SECONDS = 60;
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
  private static final byte[] VICTIM = "tck: a file outside the store".getBytes(StandardCharsets.UTF_8);

  private Path root;
  private Path workDir;
  private Store store;
  private long images;

  /**
   * A new store whose data lives under {@code workDir} (an empty folder that exists), or
   * elsewhere if the store keeps it elsewhere. Called once before each test, and again by the
   * reopening tests when {@link #persistent()}.
   */
  protected abstract Store newStore(Path workDir);

  /**
   * What the kit tests. Defaults to what the store declares; narrow it to skip tests of
   * something the store declares but this test run cannot exercise.
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
   * false; a durable store returns true, and the kit then also checks images survive reopening
   * and failed adds leave nothing behind across it.
   */
  protected boolean persistent() {
    return false;
  }

  /**
   * The location the store would give an image stored as {@code imageId}, given the location it
   * gave the image {@code knownId}. The kit uses it to look for leftovers of failed adds and to
   * aim hostile locations at the store. The default replaces {@code knownId} in the URI text;
   * override when the store's URIs do not contain the image id, or return empty to skip the
   * tests that need it.
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
    } catch (URISyntaxException | StoreException e) {
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

  // ---------------------------------------------------------------- what the store says

  @Test
  void describesItself() {
    assertThat(store.id()).as("store id").isNotBlank();
    assertThat(store.schemes()).as("schemes").isNotEmpty();
    assertThat(store.schemes()).as("schemes (lowercase URI schemes)").allMatch(s -> SCHEME.matcher(s).matches());
    if (store.capabilities().contains(Capability.RANGED_READ)) {
      assertThat(store.capabilities()).as("a store with RANGED_READ reads").contains(Capability.READ);
    }
  }

  @Test
  void aReadOnlyStoreRefusesAddsWithoutReading() {
    assumeFalse(store.capabilities().contains(Capability.WRITE), "the store declares WRITE");
    SourceStream source = SourceStream.of(new byte[] {1, 2, 3});
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-read-only", source)))
        .isInstanceOf(UnsupportedStoreOperationException.class);
    assertThat(source.bytesRead()).as("bytes read from the stream").isZero();
  }

  // ---------------------------------------------------------------- round trips

  static Stream<Arguments> sizesAndAlgorithms() {
    Stream<Arguments> sha512 = Stream.of(0, 1, 2, 7, 4095, 4096, 4097, 65535, 65536, 65537, MIB - 1, MIB + 1, 5 * MIB + 3)
        .map(size -> Arguments.of(size, "sha512", "SHA-512"));
    Stream<Arguments> sha256 = Stream.of(0, 1, 7, 65537, 5 * MIB + 3)
        .map(size -> Arguments.of(size, "sha256", "SHA-256"));
    return Stream.concat(sha512, sha256);
  }

  @ParameterizedTest(name = "{0} bytes, {1}")
  @MethodSource("sizesAndAlgorithms")
  void roundTripsBytesAndHashes(int size, String algorithm, String jdkName) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(size);
    AddResult result = store.add(request("tck-image", data).withHashAlgorithm(HashAlgorithm.of(algorithm)));
    assertHolds(result, data);
    assertThat(result.multihash().algorithm().name()).as("multihash algorithm").isEqualTo(algorithm);
    assertThat(result.multihash().value()).as(algorithm + " (the JDK's " + jdkName + " of the input)")
        .isEqualTo(digest(jdkName, data));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"md5,MD5", "sha1,SHA-1", "sha224,SHA-224", "sha384,SHA-384", "sha512_256,SHA-512/256",
      "sha3_256,SHA3-256", "sha3_512,SHA3-512", "SHA512,SHA-512"})
  void multihashUsesTheRequestedAlgorithm(String name, String jdkName) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(100_003);
    AddResult result = store.add(request("tck-image", data).withHashAlgorithm(HashAlgorithm.of(name)));
    assertHolds(result, data);
    assertThat(result.multihash().algorithm()).as("multihash algorithm").isEqualTo(HashAlgorithm.of(name));
    assertThat(result.multihash().value()).as("multihash (the JDK's " + jdkName + " of the input)")
        .isEqualTo(digest(jdkName, data));
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 65537, 5 * MIB + 3})
  void storesDataOfUnknownSize(int size) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(size);
    assertHolds(store.add(AddRequest.of("tck-image", SourceStream.of(data))), data);
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 65537, MIB + 1})
  void storesDataFromAStreamGivingShortReads(int size) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(size);
    assertHolds(store.add(AddRequest.of("tck-image", SourceStream.of(data).shortReads(1000))), data);
  }

  @Test
  void storesAnEmptyImage() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    AddResult result = store.add(AddRequest.of("tck-empty", SourceStream.of(new byte[0])));
    assertThat(result.size()).as("AddResult.size").isZero();
    assertThat(result.md5()).as("md5 of nothing").isEqualTo(digest("MD5", new byte[0]));
    assertThat(result.multihash().value()).as("sha512 of nothing").isEqualTo(digest("SHA-512", new byte[0]));
    assertThat(store.size(result.location())).as("Store.size").isZero();
    try (ImageData image = store.get(result.location(), ByteRange.ALL)) {
      assertThat(image.size()).as("ImageData.size").isZero();
      assertThat(readByChannel(image)).isEmpty();
    }
  }

  @Test
  void readsTheStreamToItsEndAndLeavesItOpen() {
    requires(Capability.WRITE);
    SourceStream known = SourceStream.of(bytes(70_000));
    store.add(AddRequest.of("tck-known", known).withDeclaredSize(70_000));
    SourceStream unknown = SourceStream.of(bytes(70_000));
    store.add(AddRequest.of("tck-unknown", unknown));
    for (SourceStream source : List.of(known, unknown)) {
      assertThat(source.sawEnd()).as("the store read the stream to its end").isTrue();
      assertThat(source.isClosed()).as("the store closed the caller's stream").isFalse();
    }
  }

  @Test
  void readsBackFromTheLocationsUriText() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(12_345);
    AddResult result = store.add(request("tck-image", data));
    // What a user pastes back into `stowage get`: the URI alone.
    Location parsed = Location.parse(result.location().uri().toString());
    assertThat(store.size(parsed)).as("size by the parsed URI").isEqualTo(data.length);
    assertReads(parsed, data);
  }

  @Test
  void reportsProgressUpToTheSize() {
    requires(Capability.WRITE);
    for (boolean declare : new boolean[] {true, false}) {
      byte[] data = bytes(3 * MIB + 1);
      List<Long> counts = new CopyOnWriteArrayList<>();
      List<OptionalLong> declared = new CopyOnWriteArrayList<>();
      List<Thread> threads = new CopyOnWriteArrayList<>();
      AddRequest request = AddRequest.of("tck-progress-" + declare, SourceStream.of(data))
          .withProgress((written, size) -> {
            counts.add(written);
            declared.add(size);
            threads.add(Thread.currentThread());
          });
      store.add(declare ? request.withDeclaredSize(data.length) : request);
      assertThat(counts).as("progress reports").isNotEmpty().isSorted().allMatch(c -> c >= 0 && c <= data.length);
      assertThat(counts.get(counts.size() - 1)).as("the last progress report").isEqualTo(data.length);
      assertThat(declared).as("declared size passed to progress")
          .containsOnly(declare ? OptionalLong.of(data.length) : OptionalLong.empty());
      assertThat(threads).as("threads reporting progress").containsOnly(Thread.currentThread());
    }
  }

  // ---------------------------------------------------------------- image ids

  @Test
  void keepsLegalIdsApart() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    // Legal ids that break stores building URIs or file names by concatenation.
    List<String> ids = List.of("a b", "a%20b", "a%2Fb", "a+b", "a#b", "a?b", "a&b=c", "a;b", "a..b",
        "x.", "-x", "~x", "a'b\"c", "a*b", "a<b>|c", "ünïcødé", "日本語", "a=b@c,d!e$f");
    Map<String, byte[]> stored = new LinkedHashMap<>();
    Map<String, Location> locations = new LinkedHashMap<>();
    for (String id : ids) {
      byte[] data = bytes(100 + stored.size());
      locations.put(id, store.add(request(id, data)).location());
      stored.put(id, data);
    }
    for (String id : ids) {
      assertReads(locations.get(id), stored.get(id));
      assertReads(Location.parse(locations.get(id).uri().toString()), stored.get(id));
    }
  }

  @Test
  void acceptsTheLongestId() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(10);
    assertHolds(store.add(request("x".repeat(255), data)), data);
  }

  @Test
  void theLongestIdInMultiByteCharactersIsStoredOrRefusedCleanly() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    // 255 characters are 510 bytes in UTF-8: more than most file systems allow in a name.
    String id = "é".repeat(255);
    byte[] data = bytes(10);
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    try {
      assertHolds(store.add(request(id, data)), data);
    } catch (InvalidRequestException refused) {
      assertThat(WorkDirSnapshot.of(workDir)).as("files after the refused add").isEqualTo(before);
    }
  }

  static Stream<String> hostileIds() {
    return Stream.of("../x", "..", ".", "a/b", "/abs", "a\\b", "", "x".repeat(10 * 1024), "x".repeat(256),
        "a\u0000b", "a\nb", "a\rb", ".hidden", "c:x", "\u2028");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostileIds")
  void hostileIdsAreRefusedBeforeReading(String id) {
    SourceStream source = SourceStream.of(bytes(100));
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    assertThatThrownBy(() -> store.add(AddRequest.of(id, source))).isInstanceOf(InvalidRequestException.class);
    assertThat(source.bytesRead()).as("bytes read from the stream").isZero();
    assertThat(WorkDirSnapshot.of(workDir)).as("files after the refused add").isEqualTo(before);
  }

  static Stream<String> hostileLocationIds() {
    return Stream.of("../victim", "../../victim", "../../../victim", "../../../../victim",
        "..%2Fvictim", "..%2F..%2Fvictim", "..%2F..%2F..%2Fvictim", "%2E%2E%2F%2E%2E%2Fvictim",
        "..", ".", "", "%2E%2E", "victim/..", "a%00b", "a%0Ab", "..%5C..%5Cvictim", ".tck-hidden");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostileLocationIds")
  void hostileLocationsFindNothingAndHarmNothing(String rawId) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    List<Path> victims = List.of(root.resolve("victim"), root.resolve("outer/victim"), root.resolve("outer/inner/victim"));
    for (Path victim : victims) {
      Files.write(victim, VICTIM);
    }
    byte[] data = bytes(1000);
    Location reference = store.add(request(REFERENCE_ID, data)).location();
    Optional<Location> hostile = locationForId(reference, REFERENCE_ID, rawId);
    assumeTrue(hostile.isPresent(), "locationForId cannot place \"" + rawId + "\" in a location");
    Location location = hostile.get();
    assertThatThrownBy(() -> store.get(location, ByteRange.ALL).close())
        .as("get of " + location).isInstanceOfAny(NotFoundException.class, BadLocationException.class, InvalidRequestException.class);
    assertThatThrownBy(() -> store.size(location))
        .as("size of " + location).isInstanceOfAny(NotFoundException.class, BadLocationException.class, InvalidRequestException.class);
    if (capabilities().contains(Capability.DELETE)) {
      assertThatThrownBy(() -> store.delete(location))
          .as("delete of " + location).isInstanceOfAny(NotFoundException.class, BadLocationException.class, InvalidRequestException.class);
    }
    for (Path victim : victims) {
      assertThat(victim).as("a file outside the store").exists().hasBinaryContent(VICTIM);
    }
    assertReads(reference, data);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"nope", "", "sha-3", "crc32", "md4", "sha 512"})
  void unknownHashAlgorithmIsRefusedBeforeReading(String name) {
    requires(Capability.WRITE);
    SourceStream source = SourceStream.of(bytes(100));
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-image", source).withHashAlgorithm(HashAlgorithm.of(name))))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(source.bytesRead()).as("bytes read from the stream").isZero();
    assertThat(WorkDirSnapshot.of(workDir)).as("files after the refused add").isEqualTo(before);
  }

  // ---------------------------------------------------------------- duplicates, missing, delete

  @Test
  void refusesADuplicateIdAndKeepsTheOriginal() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] original = bytes(70_001);
    AddResult first = store.add(request("tck-image", original));
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    for (byte[] other : List.of(bytes(70_001), bytes(5), new byte[0])) {
      assertThatThrownBy(() -> store.add(request("tck-image", other))).isInstanceOf(DuplicateException.class);
    }
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-image", SourceStream.of(bytes(9)))))
        .isInstanceOf(DuplicateException.class);
    assertThat(WorkDirSnapshot.of(workDir)).as("files after the refused adds").isEqualTo(before);
    assertHolds(first, original);
  }

  @Test
  void aMissingImageIsNotFound() {
    requires(Capability.WRITE, Capability.READ);
    Location missing = predictedLocation("tck-missing");
    assertThatThrownBy(() -> store.get(missing, ByteRange.ALL).close()).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.size(missing)).isInstanceOf(NotFoundException.class);
    if (capabilities().contains(Capability.DELETE)) {
      assertThatThrownBy(() -> store.delete(missing)).isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void aLocationOfAnotherSchemeIsABadLocation() {
    Location foreign = Location.parse("tck-foreign-scheme:/tck-image");
    assumeFalse(store.schemes().contains(foreign.scheme()), "the store serves " + foreign.scheme());
    if (capabilities().contains(Capability.READ)) {
      assertThatThrownBy(() -> store.get(foreign, ByteRange.ALL).close()).isInstanceOf(BadLocationException.class);
      assertThatThrownBy(() -> store.size(foreign)).isInstanceOf(BadLocationException.class);
    }
    if (capabilities().contains(Capability.DELETE)) {
      assertThatThrownBy(() -> store.delete(foreign)).isInstanceOf(BadLocationException.class);
    }
  }

  @Test
  void deleteRemovesTheImageAndFreesItsId() throws IOException {
    requires(Capability.WRITE, Capability.READ, Capability.DELETE);
    byte[] kept = bytes(3000);
    AddResult other = store.add(request("tck-other", kept));
    Location location = store.add(request("tck-image", bytes(MIB + 7))).location();
    store.delete(location);
    assertThatThrownBy(() -> store.get(location, ByteRange.ALL).close()).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.size(location)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.delete(location)).isInstanceOf(NotFoundException.class);
    byte[] again = bytes(2000);
    assertHolds(store.add(request("tck-image", again)), again);
    assertHolds(other, kept);
  }

  @Test
  void deletesAnEmptyImage() {
    requires(Capability.WRITE, Capability.READ, Capability.DELETE);
    Location location = store.add(request("tck-empty", new byte[0])).location();
    store.delete(location);
    assertThatThrownBy(() -> store.size(location)).isInstanceOf(NotFoundException.class);
  }

  // ---------------------------------------------------------------- failed adds keep nothing

  static Stream<Arguments> mismatchedSizes() {
    return Stream.of(Arguments.of(0, 1L), Arguments.of(1, 2L), Arguments.of(65537, 65538L),
        Arguments.of(MIB + 1, 5L * MIB), Arguments.of(1, 0L), Arguments.of(2, 1L),
        Arguments.of(65537, 65536L), Arguments.of(MIB + 1, 1L));
  }

  @ParameterizedTest(name = "{0} bytes declared as {1}")
  @MethodSource("mismatchedSizes")
  void aDeclaredSizeTheStreamDoesNotMatchIsRefusedAndNothingKept(int size, long declared) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    Location reference = store.add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-image", SourceStream.of(bytes(size))).withDeclaredSize(declared)))
        .isInstanceOf(SizeMismatchException.class);
    assertNothingKept("tck-image", before, reference);
  }

  @ParameterizedTest(name = "fails at byte {0}")
  @ValueSource(longs = {0, 1, 65536, 3 * MIB + 5})
  void aStreamThatFailsMidwayIsADataStreamErrorAndNothingKept(long failAt) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    Location reference = store.add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    byte[] data = bytes(5 * MIB + 3);
    for (boolean declare : new boolean[] {true, false}) {
      AddRequest request = AddRequest.of("tck-image", SourceStream.of(data).failingAt(failAt));
      assertThatThrownBy(() -> store.add(declare ? request.withDeclaredSize(data.length) : request))
          .isInstanceOf(DataStreamException.class);
    }
    assertNothingKept("tck-image", before, reference);
  }

  @Test
  void dataPastTheSizeCapIsRefusedAndNothingKept() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    assumeTrue(enforcesSizeCap(), "the store does not enforce size caps");
    Location reference = store.add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-image", SourceStream.of(bytes(65537))).withSizeCap(65536)))
        .isInstanceOf(SizeCapExceededException.class);
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-image", SourceStream.of(bytes(1))).withSizeCap(0)))
        .isInstanceOf(SizeCapExceededException.class);
    assertNothingKept("tck-image", before, reference);
  }

  @Test
  void stopsReadingSoonAfterTheSizeCap() {
    requires(Capability.WRITE);
    assumeTrue(enforcesSizeCap(), "the store does not enforce size caps");
    SourceStream endless = SourceStream.generated(64L * MIB);
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-image", endless).withSizeCap(MIB)))
        .isInstanceOf(SizeCapExceededException.class);
    assertThat(endless.bytesRead()).as("bytes read past a 1 MiB cap").isLessThanOrEqualTo(17L * MIB);
  }

  @Test
  void dataExactlyAtTheSizeCapIsStored() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(65536);
    assertHolds(store.add(AddRequest.of("tck-image", SourceStream.of(data)).withSizeCap(65536)), data);
    assertHolds(store.add(AddRequest.of("tck-empty", SourceStream.of(new byte[0])).withSizeCap(0)), new byte[0]);
  }

  // ---------------------------------------------------------------- ranged reads

  static Stream<Arguments> ranges() {
    long size = MIB + 17;
    return Stream.of(
        Arguments.of(ByteRange.of(0, 0), 0, 0), Arguments.of(ByteRange.of(0, 1), 0, 1),
        Arguments.of(ByteRange.of(0, size), 0, size), Arguments.of(ByteRange.of(1, size - 2), 1, size - 1),
        Arguments.of(ByteRange.of(size - 1, 1), size - 1, size), Arguments.of(ByteRange.of(777_777, 1000), 777_777, 778_777),
        Arguments.of(ByteRange.of(100, size), 100, size), Arguments.of(ByteRange.of(size - 5, 100), size - 5, size),
        Arguments.of(ByteRange.of(0, Long.MAX_VALUE), 0, size), Arguments.of(ByteRange.from(1), 1, size),
        Arguments.of(ByteRange.from(524_288), 524_288, size), Arguments.of(ByteRange.from(size - 1), size - 1, size));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void readsARange(ByteRange range, long from, long to) throws IOException {
    requires(Capability.WRITE, Capability.RANGED_READ);
    byte[] data = bytes(MIB + 17);
    Location location = store.add(request("tck-image", data)).location();
    byte[] expected = Arrays.copyOfRange(data, (int) from, (int) to);
    try (ImageData image = store.get(location, range)) {
      assertThat(image.size()).as("ImageData.size of " + range).isEqualTo(expected.length);
      assertSameBytes(readByChannel(image), expected, "bytes of " + range + " by channel");
    }
    try (ImageData image = store.get(location, range)) {
      assertSameBytes(readByTransfer(image), expected, "bytes of " + range + " by transferTo");
    }
  }

  @ParameterizedTest(name = "from byte {0}")
  @ValueSource(longs = {MIB + 18, MIB + 1000, Long.MAX_VALUE})
  void aRangeStartingPastTheEndIsInvalid(long offset) {
    requires(Capability.WRITE, Capability.RANGED_READ);
    Location location = store.add(request("tck-image", bytes(MIB + 17))).location();
    for (ByteRange range : List.of(ByteRange.from(offset), ByteRange.of(offset, 1), ByteRange.of(offset, 0))) {
      assertThatThrownBy(() -> store.get(location, range).close()).as(range.toString())
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  @ParameterizedTest(name = "{0}-byte image")
  @ValueSource(ints = {0, 1, 4096})
  void rangesAtTheEndFollowByteRange(int size) throws IOException {
    requires(Capability.WRITE, Capability.RANGED_READ);
    Location location = store.add(request("tck-image", bytes(size))).location();
    for (ByteRange range : List.of(ByteRange.from(size), ByteRange.of(size, 0), ByteRange.of(size, 1), ByteRange.from(size + 1))) {
      long expected;
      try {
        expected = range.lengthWithin(size);
      } catch (InvalidRequestException e) {
        assertThatThrownBy(() -> store.get(location, range).close()).as(range.toString())
            .isInstanceOf(InvalidRequestException.class);
        continue;
      }
      try (ImageData image = store.get(location, range)) {
        assertThat(image.size()).as("ImageData.size of " + range).isEqualTo(expected);
        assertThat(readByChannel(image)).hasSize((int) expected);
      }
    }
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentAddsOfDifferentIdsAllSucceed() throws Exception {
    requires(Capability.WRITE, Capability.READ);
    CyclicBarrier midway = new CyclicBarrier(THREADS);
    List<byte[]> inputs = new ArrayList<>();
    List<Callable<AddResult>> adds = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      byte[] data = bytes(256 * 1024 + i);
      inputs.add(data);
      AddRequest request = AddRequest.of("tck-image-" + i, SourceStream.of(data).pausingAt(data.length / 2, midway))
          .withDeclaredSize(data.length);
      adds.add(() -> store.add(request));
    }
    List<Object> outcomes = runAll(adds);
    for (int i = 0; i < THREADS; i++) {
      assertThat(outcomes.get(i)).as("add " + i).isInstanceOf(AddResult.class);
      assertHolds((AddResult) outcomes.get(i), inputs.get(i));
    }
  }

  @Test
  void concurrentAddsOfOneIdEndWithOneSuccess() throws Exception {
    requires(Capability.WRITE, Capability.READ);
    CyclicBarrier midway = new CyclicBarrier(THREADS);
    List<byte[]> inputs = new ArrayList<>();
    List<Callable<AddResult>> adds = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      byte[] data = bytes(256 * 1024 + i);
      inputs.add(data);
      AddRequest request = AddRequest.of("tck-image", SourceStream.of(data).pausingAt(data.length / 2, midway))
          .withDeclaredSize(data.length);
      adds.add(() -> store.add(request));
    }
    List<Object> outcomes = runAll(adds);
    int winner = -1;
    for (int i = 0; i < THREADS; i++) {
      Object outcome = outcomes.get(i);
      if (outcome instanceof AddResult) {
        assertThat(winner).as("adds of one id that succeeded besides add " + winner).isEqualTo(-1);
        winner = i;
      } else {
        assertThat(outcome).as("add " + i + " of a taken id").isInstanceOf(DuplicateException.class);
      }
    }
    assertThat(winner).as("the add that succeeded").isNotNegative();
    assertHolds((AddResult) outcomes.get(winner), inputs.get(winner));
  }

  @Test
  void concurrentReadsOfOneImageAgree() throws Exception {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(MIB + 3);
    Location location = store.add(request("tck-image", data)).location();
    List<Callable<byte[]>> reads = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      reads.add(() -> {
        try (ImageData image = store.get(location, ByteRange.ALL)) {
          return readByChannel(image);
        }
      });
    }
    for (Object outcome : runAll(reads)) {
      assertThat(outcome).isInstanceOf(byte[].class);
      assertSameBytes((byte[]) outcome, data, "bytes read concurrently");
    }
  }

  // ---------------------------------------------------------------- reopening

  @Test
  void imagesSurviveReopening() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    assumeTrue(persistent(), "persistent() is false");
    byte[] data = bytes(MIB + 9);
    AddResult result = store.add(request("tck-image", data));
    reopen();
    assertHolds(result, data);
    assertThatThrownBy(() -> store.add(request("tck-image", bytes(3)))).isInstanceOf(DuplicateException.class);
  }

  @Test
  void aFailedAddLeavesNothingForTheNextStoreOverTheDir() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    assumeTrue(persistent(), "persistent() is false");
    Location reference = store.add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir);
    assertThatThrownBy(() -> store.add(AddRequest.of("tck-image", SourceStream.of(bytes(MIB)).failingAt(MIB / 2))))
        .isInstanceOf(DataStreamException.class);
    reopen();
    assertNothingKept("tck-image", before, reference);
  }

  // ---------------------------------------------------------------- helpers

  private void requires(Capability... needed) {
    Set<Capability> missing = EnumSet.noneOf(Capability.class);
    missing.addAll(List.of(needed));
    missing.removeAll(capabilities());
    assumeTrue(missing.isEmpty(), () -> "the store does not declare " + missing);
  }

  private byte[] bytes(int size) {
    return ImageBytes.random(++images * 1_000_003L + size, size);
  }

  private static AddRequest request(String id, byte[] data) {
    return AddRequest.of(id, SourceStream.of(data)).withDeclaredSize(data.length);
  }

  private void reopen() {
    store.close();
    store = null;
    store = Objects.requireNonNull(newStore(workDir), "newStore returned null");
  }

  private Location predictedLocation(String id) {
    Location reference = store.add(request(REFERENCE_ID, bytes(10))).location();
    Optional<Location> location = locationForId(reference, REFERENCE_ID, id);
    assumeTrue(location.isPresent(), "locationForId cannot predict locations; override it");
    return location.get();
  }

  /** Checks {@code result} against the input and the store's own answers about it. */
  private void assertHolds(AddResult result, byte[] data) throws IOException {
    assertThat(result.size()).as("AddResult.size").isEqualTo(data.length);
    assertThat(result.md5()).as("AddResult.md5 (the JDK's MD5 of the input)").isEqualTo(digest("MD5", data));
    assertThat(result.multihash().value()).as("AddResult.multihash (the JDK's digest of the input)")
        .isEqualTo(digest(result.multihash().algorithm().newDigest().getAlgorithm(), data));
    Location location = result.location();
    assertThat(store.schemes()).as("the store's schemes").contains(location.scheme());
    assertThat(location.storeId()).as("Location.storeId").isIn(Optional.empty(), Optional.of(store.id()));
    assertThat(store.owns(location.uri())).as("the store owns " + location).isTrue();
    assertThat(store.size(location)).as("Store.size").isEqualTo(data.length);
    if (capabilities().contains(Capability.READ)) {
      assertReads(location, data);
    }
  }

  private void assertReads(Location location, byte[] data) throws IOException {
    try (ImageData image = store.get(location, ByteRange.ALL)) {
      assertThat(image.size()).as("ImageData.size").isEqualTo(data.length);
      assertSameBytes(readByChannel(image), data, "bytes read by channel from " + location);
    }
    try (ImageData image = store.get(location, ByteRange.ALL)) {
      assertSameBytes(readByTransfer(image), data, "bytes read by transferTo from " + location);
    }
  }

  /** After a failed add of {@code id}: no files changed, no image there, and the id is free. */
  private void assertNothingKept(String id, WorkDirSnapshot before, Location reference) throws IOException {
    assertThat(WorkDirSnapshot.of(workDir)).as("files under the work dir after the failed add").isEqualTo(before);
    Optional<Location> location = locationForId(reference, REFERENCE_ID, id);
    if (location.isPresent()) {
      assertThatThrownBy(() -> store.size(location.get())).as("size after the failed add")
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> store.get(location.get(), ByteRange.ALL).close()).as("get after the failed add")
          .isInstanceOf(NotFoundException.class);
    }
    byte[] retry = bytes(4099);
    assertHolds(store.add(request(id, retry)), retry);
  }

  /** Runs each task on its own thread at once; returns each one's result or exception. */
  private static List<Object> runAll(List<? extends Callable<?>> tasks) throws InterruptedException {
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
        } catch (java.util.concurrent.TimeoutException e) {
          fail("a concurrent call did not finish in " + WAIT_SECONDS + " s");
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }
}
