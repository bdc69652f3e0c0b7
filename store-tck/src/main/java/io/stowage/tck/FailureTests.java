package io.stowage.tck;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
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

  /**
   * Pairs of legal ids that a store naming things carelessly confuses: case, Unicode forms
   * (composed and decomposed é), trailing dots and spaces (dropped by some file systems), and
   * percent-escapes next to what they escape.
   */
  static Stream<Arguments> confusableIds() {
    return Stream.of(Arguments.of("tck-Image", "tck-image"),
        Arguments.of("caf\u00e9", "cafe\u0301"), Arguments.of("tck-x.", "tck-x"),
        Arguments.of("tck-x ", "tck-x"), Arguments.of("tck-%41", "tck-A"),
        Arguments.of("tck-\u0130", "tck-i\u0307"));
  }

  @ParameterizedTest(name = "\"{0}\" and \"{1}\"")
  @MethodSource("confusableIds")
  void idsThatLookAlikeAreDifferentImages(String first, String second) throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] one = bytes(1001);
    byte[] two = bytes(1002);
    AddResult a = store().add(request(first, one));
    AddResult b = store().add(request(second, two));
    assertHolds(a, one);
    assertHolds(b, two);
    assertThat(b.location().uri()).as("the second image's location").isNotEqualTo(a.location().uri());
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

  static Stream<HashAlgorithm> hashAlgorithms() {
    return HashAlgorithm.all().stream();
  }

  /**
   * Every algorithm of the closed set is computed as asked, and a refused add of one (a store
   * may refuse an algorithm it cannot compute, with {@link InvalidRequestException}, before
   * reading) keeps nothing. No algorithm may be replaced by another.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hashAlgorithms")
  void everyHashAlgorithmIsComputedAsAskedOrRefusedBeforeReading(HashAlgorithm algorithm)
      throws IOException {
    requires(Capability.WRITE, Capability.READ);
    byte[] data = bytes(70_001);
    SourceStream source = SourceStream.of(data);
    WorkDirSnapshot before = WorkDirSnapshot.of(workDir());
    AddResult result;
    try {
      result = store().add(
          AddRequest.of("tck-image", source).withDeclaredSize(data.length)
              .withHashAlgorithm(algorithm));
    } catch (InvalidRequestException refused) {
      assertThat(source.bytesRead()).as("bytes read before refusing " + algorithm).isZero();
      assertThat(WorkDirSnapshot.of(workDir())).as("the work dir after the refused add")
          .isEqualTo(before);
      return;
    }
    assertThat(result.multihash().algorithm()).as("multihash algorithm").isEqualTo(algorithm);
    assertThat(result.multihash().value())
        .as("multihash (the JDK's " + algorithm.jdkName() + " of the input)")
        .isEqualTo(ImageBytes.digest(algorithm.jdkName(), data));
    assertHolds(result, data);
  }
}
