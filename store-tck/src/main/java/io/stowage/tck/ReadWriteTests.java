package io.stowage.tck;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DuplicateException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Store;
import io.stowage.api.UnsupportedStoreOperationException;
import static io.stowage.tck.ImageBytes.digest;
import static io.stowage.tck.ImageBytes.readByChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract for adds that succeed, and for reading, sizing and deleting what they stored. */
abstract class ReadWriteTests extends StoreFixture {
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

  ReadWriteTests() {}

  @Test
  void describesItself() {
    Store store = store();
    assertThat(store.id()).as("store id").isNotBlank();
    assertThat(store.schemes()).as("schemes").isNotEmpty()
        .allSatisfy(s -> assertThat(s).as("scheme").matches(SCHEME));
    if (store.capabilities().contains(Capability.RANGED_READ)) {
      assertThat(store.capabilities()).as("capabilities of a store with RANGED_READ")
          .contains(Capability.READ);
    }
  }

  @Test
  void aReadOnlyStoreRefusesAddsWithoutReading() {
    assumeFalse(store().capabilities().contains(Capability.WRITE), "the store declares WRITE");
    SourceStream source = SourceStream.of(new byte[] {1, 2, 3});
    assertFails("add to a read-only store", () -> store().add(AddRequest.of("tck-ro", source)),
        UnsupportedStoreOperationException.class);
    assertThat(source.bytesRead()).as("bytes read from the stream").isZero();
  }

  @Test
  void locatesWhatItStoredIfItCan() {
    requires(Capability.WRITE, Capability.DELETE);
    assertThat(store().locate("tck-never-stored")).as("locate of an id never stored").isEmpty();
    AddResult result = store().add(request("tck-locate", bytes(10)));
    // Optional for a store (the default knows nothing); a store that answers names its add's URI.
    store().locate("tck-locate").ifPresent(l -> assertThat(l.uri()).as("located")
        .isEqualTo(result.location().uri()));
    store().delete(result.location());
    assertThat(store().locate("tck-locate")).as("locate after delete").isEmpty();
  }

  static Stream<Arguments> sizesAndAlgorithms() {
    Stream<Arguments> sha512 =
        Stream.of(0, 1, 2, 7, 4095, 4096, 4097, 65535, 65536, 65537, MIB - 1, MIB + 1, 5 * MIB + 3)
            .map(size -> Arguments.of(size, "sha512", "SHA-512"));
    Stream<Arguments> sha256 =
        Stream.of(0, 1, 7, 65537, 5 * MIB + 3).map(size -> Arguments.of(size, "sha256", "SHA-256"));
    return Stream.concat(sha512, sha256);
  }

  @ParameterizedTest(name = "{0} bytes, {1}")
  @MethodSource("sizesAndAlgorithms")
  void roundTripsBytesAndHashes(int size, String algorithm, String jdkName) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(size);
    AddResult result =
        store().add(request("tck-image", data).withHashAlgorithm(HashAlgorithm.of(algorithm)));
    assertHolds(result, data);
    assertThat(result.multihash().algorithm().name()).as("multihash algorithm")
        .isEqualTo(algorithm);
    assertThat(result.multihash().value()).as("multihash (the JDK's " + jdkName + " of the input)")
        .isEqualTo(digest(jdkName, data));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"md5,MD5", "sha1,SHA-1", "sha224,SHA-224", "sha384,SHA-384",
      "sha512_256,SHA-512/256", "sha3_256,SHA3-256", "sha3_512,SHA3-512", "SHA512,SHA-512"})
  void multihashUsesTheRequestedAlgorithm(String name, String jdkName) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(100_003);
    AddResult result =
        store().add(request("tck-image", data).withHashAlgorithm(HashAlgorithm.of(name)));
    assertHolds(result, data);
    assertThat(result.multihash().algorithm()).as("multihash algorithm")
        .isEqualTo(HashAlgorithm.of(name));
    assertThat(result.multihash().value()).as("multihash (the JDK's " + jdkName + " of the input)")
        .isEqualTo(digest(jdkName, data));
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 65537, 5 * MIB + 3})
  void storesDataOfUnknownSize(int size) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(size);
    assertHolds(store().add(AddRequest.of("tck-image", SourceStream.of(data))), data);
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 65537, MIB + 1})
  void storesDataFromAStreamGivingShortReads(int size) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(size);
    SourceStream source = SourceStream.of(data).shortReads(1000);
    assertHolds(store().add(AddRequest.of("tck-image", source)), data);
  }

  @Test
  void storesAnEmptyImage() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    AddResult result = store().add(AddRequest.of("tck-empty", SourceStream.of(new byte[0])));
    assertThat(result.size()).as("AddResult.size").isZero();
    assertThat(result.md5()).as("md5 of nothing").isEqualTo(digest("MD5", new byte[0]));
    assertThat(result.multihash().value()).as("sha512 of nothing")
        .isEqualTo(digest("SHA-512", new byte[0]));
    assertThat(store().size(result.location())).as("Store.size").isZero();
    try (ImageData image = store().get(result.location(), ByteRange.ALL)) {
      assertThat(image.size()).as("ImageData.size").isZero();
      assertThat(readByChannel(image)).isEmpty();
    }
  }

  @Test
  void readsTheStreamToItsEndAndLeavesItOpen() {
    requires(Capability.WRITE);
    SourceStream known = SourceStream.of(bytes(70_000));
    store().add(AddRequest.of("tck-known", known).withDeclaredSize(70_000));
    SourceStream unknown = SourceStream.of(bytes(70_000));
    store().add(AddRequest.of("tck-unknown", unknown));
    for (SourceStream source : List.of(known, unknown)) {
      assertThat(source.sawEnd()).as("the store read the stream to its end").isTrue();
      assertThat(source.isClosed()).as("the store closed the caller's stream").isFalse();
    }
  }

  @Test
  void readsBackFromTheLocationsUriText() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(12_345);
    AddResult result = store().add(request("tck-image", data));
    // What a user pastes back into `stowage get`: the URI alone.
    Location parsed = Location.parse(result.location().uri().toString());
    assertThat(store().size(parsed)).as("size by the parsed URI").isEqualTo(data.length);
    assertReads(parsed, data);
  }

  @ParameterizedTest(name = "declared: {0}")
  @ValueSource(booleans = {true, false})
  void reportsProgressUpToTheSize(boolean declare) {
    requires(Capability.WRITE);
    byte[] data = bytes(3 * MIB + 1);
    List<Long> counts = new CopyOnWriteArrayList<>();
    List<OptionalLong> declared = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    AddRequest request = AddRequest.of("tck-image", SourceStream.of(data))
        .withProgress((written, size) -> {
          counts.add(written);
          declared.add(size);
          threads.add(Thread.currentThread());
        });
    store().add(declare ? request.withDeclaredSize(data.length) : request);
    assertThat(counts).as("progress reports").isNotEmpty().isSorted()
        .allSatisfy(c -> assertThat(c).as("progress report").isBetween(0L, (long) data.length));
    assertThat(counts.get(counts.size() - 1)).as("the last progress report")
        .isEqualTo(data.length);
    assertThat(declared).as("declared size passed to progress")
        .containsOnly(declare ? OptionalLong.of(data.length) : OptionalLong.empty());
    assertThat(threads).as("threads reporting progress").containsOnly(Thread.currentThread());
  }

  @Test
  void keepsLegalIdsApart() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    // Legal ids that break stores building URIs or file names by concatenation.
    List<String> ids = List.of("a b", "a%20b", "a%2Fb", "a+b", "a#b", "a?b", "a&b=c", "a;b",
        "a..b", "x.", "-x", "~x", "a'b\"c", "a*b", "a<b>|c", "ünïcødé", "日本語",
        "a=b@c,d!e$f");
    Map<String, byte[]> stored = new LinkedHashMap<>();
    Map<String, Location> locations = new LinkedHashMap<>();
    for (String id : ids) {
      byte[] data = bytes(100 + stored.size());
      locations.put(id, store().add(request(id, data)).location());
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
    assertHolds(store().add(request("x".repeat(255), data)), data);
  }

  @Test
  void theLongestIdInMultiByteCharactersIsStoredOrRefusedCleanly() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    // 128 characters, 255 bytes in UTF-8 (the longest id): a store counting characters, or
    // adding a prefix to the id, makes a file name longer than most file systems allow.
    String id = "é".repeat(127) + "x";
    byte[] data = bytes(10);
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    try {
      assertHolds(store().add(request(id, data)), data);
    } catch (InvalidRequestException refused) {
      assertThat(WorkDirSnapshot.of(workDir()).files()).as("files after the refused add")
          .isEqualTo(before.files());
    }
  }

  @Test
  void refusesADuplicateIdAndKeepsTheOriginal() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] original = bytes(70_001);
    AddResult first = store().add(request("tck-image", original));
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    for (byte[] other : List.of(bytes(70_001), bytes(5), new byte[0])) {
      assertFails("add of a stored id", () -> store().add(request("tck-image", other)),
          DuplicateException.class);
    }
    assertFails("add of a stored id, size unknown",
        () -> store().add(AddRequest.of("tck-image", SourceStream.of(bytes(9)))),
        DuplicateException.class);
    assertThat(WorkDirSnapshot.of(workDir()).files()).as("files after the refused adds")
        .isEqualTo(before.files());
    assertHolds(first, original);
  }

  @Test
  void aMissingImageIsNotFound() {
    requires(Capability.WRITE, Capability.READ);
    Location missing = predictedLocation("tck-missing");
    assertFails("get of " + missing, () -> store().get(missing, ByteRange.ALL).close(),
        NotFoundException.class);
    assertFails("size of " + missing, () -> store().size(missing), NotFoundException.class);
    if (capabilities().contains(Capability.DELETE)) {
      assertFails("delete of " + missing, () -> store().delete(missing), NotFoundException.class);
    }
  }

  @Test
  void aLocationOfAnotherSchemeIsABadLocation() {
    Location foreign = Location.parse("tck-foreign-scheme:/tck-image");
    assumeFalse(store().schemes().contains(foreign.scheme()), "the store serves that scheme");
    if (capabilities().contains(Capability.READ)) {
      assertFails("get of " + foreign, () -> store().get(foreign, ByteRange.ALL).close(),
          BadLocationException.class);
      assertFails("size of " + foreign, () -> store().size(foreign), BadLocationException.class);
    }
    if (capabilities().contains(Capability.DELETE)) {
      assertFails("delete of " + foreign, () -> store().delete(foreign),
          BadLocationException.class);
    }
  }

  @Test
  void deleteRemovesTheImageAndFreesItsId() throws IOException {
    requires(Capability.WRITE, Capability.READ, Capability.DELETE);
    byte[] kept = bytes(3000);
    AddResult other = store().add(request("tck-other", kept));
    Location location = store().add(request("tck-image", bytes(MIB + 7))).location();
    store().delete(location);
    assertFails("get after delete", () -> store().get(location, ByteRange.ALL).close(),
        NotFoundException.class);
    assertFails("size after delete", () -> store().size(location), NotFoundException.class);
    assertFails("second delete", () -> store().delete(location), NotFoundException.class);
    byte[] again = bytes(2000);
    assertHolds(store().add(request("tck-image", again)), again);
    assertHolds(other, kept);
  }

  @Test
  void deletesAnEmptyImage() {
    requires(Capability.WRITE, Capability.READ, Capability.DELETE);
    Location location = store().add(request("tck-empty", new byte[0])).location();
    store().delete(location);
    assertFails("size after delete", () -> store().size(location), NotFoundException.class);
  }

  @Test
  void imagesSurviveReopening() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    assumeTrue(persistent(), "persistent() is false");
    byte[] data = bytes(MIB + 9);
    AddResult result = store().add(request("tck-image", data));
    reopen();
    assertHolds(result, data);
    assertFails("add of a stored id after reopening",
        () -> store().add(request("tck-image", bytes(3))), DuplicateException.class);
  }
}
