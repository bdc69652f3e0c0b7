package io.stowage.tck;


import io.stowage.api.store.AddRequest;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DataStreamException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract for adds that fail and for hostile input: refused, and nothing kept. */
abstract class FailureTests extends ReadWriteTests {
  private static final byte[] VICTIM =
      "tck: a file outside the store".getBytes(StandardCharsets.UTF_8);

  FailureTests() {}

  static Stream<Arguments> mismatchedSizes() {
    return Stream.of(Arguments.of(0, 1L), Arguments.of(1, 2L), Arguments.of(65537, 65538L),
        Arguments.of(MIB + 1, 5L * MIB), Arguments.of(1, 0L), Arguments.of(2, 1L),
        Arguments.of(65537, 65536L), Arguments.of(MIB + 1, 1L));
  }

  @ParameterizedTest(name = "{0} bytes declared as {1}")
  @MethodSource("mismatchedSizes")
  void aDeclaredSizeTheStreamDoesNotMatchIsRefusedAndNothingKept(int size, long declared)
      throws IOException {
    requires(Capability.WRITE, Capability.READ);
    Location reference = store().add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    AddRequest request =
        AddRequest.of("tck-image", SourceStream.of(bytes(size))).withDeclaredSize(declared);
    assertFails("add of " + size + " bytes declared as " + declared, () -> store().add(request),
        SizeMismatchException.class);
    assertNothingKept("tck-image", before, reference);
  }

  @ParameterizedTest(name = "fails at byte {0}")
  @ValueSource(longs = {0, 1, 65536, 3 * MIB + 5})
  void aStreamThatFailsMidwayIsADataStreamErrorAndNothingKept(long failAt) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    Location reference = store().add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    byte[] data = bytes(5 * MIB + 3);
    for (boolean declare : new boolean[] {true, false}) {
      AddRequest request = AddRequest.of("tck-image", SourceStream.of(data).failingAt(failAt));
      AddRequest sent = declare ? request.withDeclaredSize(data.length) : request;
      assertFails("add from a stream failing at byte " + failAt, () -> store().add(sent),
          DataStreamException.class);
    }
    assertNothingKept("tck-image", before, reference);
  }

  @Test
  void aFailedAddLeavesNothingForTheNextStoreOverTheDir() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    assumeTrue(persistent(), "persistent() is false");
    Location reference = store().add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    SourceStream failing = SourceStream.of(bytes(MIB)).failingAt(MIB / 2);
    assertFails("add from a failing stream", () -> store().add(AddRequest.of("tck-image", failing)),
        DataStreamException.class);
    reopen();
    assertNothingKept("tck-image", before, reference);
  }

  @Test
  void dataPastTheSizeCapIsRefusedAndNothingKept() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    assumeTrue(enforcesSizeCap(), "enforcesSizeCap() is false");
    Location reference = store().add(request(REFERENCE_ID, bytes(10))).location();
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    AddRequest overByOne =
        AddRequest.of("tck-image", SourceStream.of(bytes(65537))).withSizeCap(65536);
    assertFails("add of 65537 bytes under a cap of 65536", () -> store().add(overByOne),
        SizeCapExceededException.class);
    AddRequest overZero = AddRequest.of("tck-image", SourceStream.of(bytes(1))).withSizeCap(0);
    assertFails("add of 1 byte under a cap of 0", () -> store().add(overZero),
        SizeCapExceededException.class);
    assertNothingKept("tck-image", before, reference);
  }

  @Test
  void stopsReadingSoonAfterTheSizeCap() {
    requires(Capability.WRITE);
    assumeTrue(enforcesSizeCap(), "enforcesSizeCap() is false");
    SourceStream endless = SourceStream.generated(64L * MIB);
    assertFails("add of 64 MiB under a cap of 1 MiB",
        () -> store().add(AddRequest.of("tck-image", endless).withSizeCap(MIB)),
        SizeCapExceededException.class);
    assertThat(endless.bytesRead()).as("bytes read under a 1 MiB cap")
        .isLessThanOrEqualTo(17L * MIB);
  }

  @Test
  void dataExactlyAtTheSizeCapIsStored() throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(65536);
    assertHolds(
        store().add(AddRequest.of("tck-image", SourceStream.of(data)).withSizeCap(65536)), data);
    byte[] none = new byte[0];
    assertHolds(
        store().add(AddRequest.of("tck-empty", SourceStream.of(none)).withSizeCap(0)), none);
  }

  static Stream<String> hostileIds() {
    return Stream.of("../x", "..", ".", "a/b", "/abs", "a\\b", "", "x".repeat(10 * 1024),
        "x".repeat(256), "a\u0000b", "a\nb", "a\rb", ".hidden", "c:x", "\u2028");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostileIds")
  void hostileIdsAreRefusedBeforeReading(String id) {
    SourceStream source = SourceStream.of(bytes(100));
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    assertFails("add of a hostile id", () -> store().add(AddRequest.of(id, source)),
        InvalidRequestException.class);
    assertThat(source.bytesRead()).as("bytes read from the stream").isZero();
    assertThat(WorkDirSnapshot.of(workDir())).as("the work dir after the refused add")
        .isEqualTo(before);
  }

  /** Raw URI text put where the image id goes: traversal, encoded traversal, odd names. */
  static Stream<String> hostileLocationIds() {
    return Stream.of("../victim", "../../victim", "../../../victim", "../../../../victim",
        "..%2Fvictim", "..%2F..%2Fvictim", "..%2F..%2F..%2Fvictim", "%2E%2E%2F%2E%2E%2Fvictim",
        "..%5C..%5Cvictim", "..", ".", "", "%2E%2E", "victim/..", "a%00b", "a%0Ab", ".tck-hidden");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostileLocationIds")
  void hostileLocationsFindNothingAndHarmNothing(String rawId) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    Path root = root();
    List<Path> victims = List.of(
        root.resolve("victim"), root.resolve("outer/victim"), root.resolve("outer/inner/victim"));
    for (Path victim : victims) {
      Files.write(victim, VICTIM);
    }
    byte[] data = bytes(1000);
    Location reference = store().add(request(REFERENCE_ID, data)).location();
    Optional<Location> hostile = locationForId(reference, REFERENCE_ID, rawId);
    assumeTrue(hostile.isPresent(), "locationForId cannot place \"" + rawId + "\" in a location");
    Location location = hostile.get();
    assertFails("get of " + location, () -> store().get(location, ByteRange.ALL).close(),
        NotFoundException.class, BadLocationException.class, InvalidRequestException.class);
    assertFails("size of " + location, () -> store().size(location),
        NotFoundException.class, BadLocationException.class, InvalidRequestException.class);
    if (capabilities().contains(Capability.DELETE)) {
      assertFails("delete of " + location, () -> store().delete(location),
          NotFoundException.class, BadLocationException.class, InvalidRequestException.class);
    }
    for (Path victim : victims) {
      assertThat(victim).as("a file outside the store").exists().hasBinaryContent(VICTIM);
    }
    assertReads(reference, data);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"nope", "", "sha-3", "crc32", "md4", "sha 512"})
  void anUnknownHashAlgorithmIsRefusedBeforeReading(String name) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    SourceStream source = SourceStream.of(bytes(100));
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    assertFails("add with hash algorithm \"" + name + "\"",
        () -> store().add(
            AddRequest.of("tck-image", source).withHashAlgorithm(HashAlgorithm.of(name))),
        InvalidRequestException.class);
    assertThat(source.bytesRead()).as("bytes read from the stream").isZero();
    assertThat(WorkDirSnapshot.of(workDir())).as("the work dir after the refused add")
        .isEqualTo(before);
    byte[] data = bytes(100);
    assertHolds(store().add(request("tck-image", data)), data);
  }
}
