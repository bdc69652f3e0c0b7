package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.LockedException;
import io.stowage.api.NotFoundException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.content.CommitResult;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import io.stowage.api.content.IngestStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ContentStore API on a local root: containerd's behaviour, and where it does better. */
class ContentApiTest {
  @TempDir Path root;
  LocalContentStore store;

  @BeforeEach
  void open() {
    store = Stores.open(root);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Digest sha256(byte[] data) {
    return Digest.of(DigestAlgorithm.SHA256, DigestAlgorithm.SHA256.newDigest().digest(data));
  }

  private CommitResult ingest(String ref, byte[] data, Map<String, String> labels) {
    try (ContentWriter w = store.writer(ref, OptionalLong.of(data.length))) {
      w.write(data, 0, data.length);
      return w.commit(OptionalLong.of(data.length), Optional.of(sha256(data)), labels);
    }
  }

  @Test
  void commitMovesTheDataUnderItsDigestReadOnlyAndRemovesTheIngest() throws IOException {
    byte[] data = Stores.bytes(1, 300_000);
    CommitResult r = ingest("layer", data, Map.of("a", "1"));
    assertThat(r.outcome()).isEqualTo(CommitResult.Outcome.CREATED);
    assertThat(r.digest()).isEqualTo(sha256(data));
    Path blob = root.resolve("blobs/sha256/" + r.digest().hex());
    assertThat(Files.readAllBytes(blob)).isEqualTo(data);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(blob)))
        .isEqualTo("r--r--r--");
    try (Stream<Path> ingests = Files.list(root.resolve("ingest"))) {
      assertThat(ingests).isEmpty();
    }
    assertThatThrownBy(() -> store.status("layer")).isInstanceOf(NotFoundException.class);
    ContentInfo info = store.info(r.digest());
    assertThat(info.size()).isEqualTo(data.length);
    assertThat(info.labels()).isEqualTo(Map.of("a", "1"));
    try (ImageData d = store.read(r.digest(), ByteRange.of(10, 5))) {
      byte[] part = d.stream().readAllBytes();
      assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 15));
    }
  }

  @Test
  void committingExistingContentIsAlreadyExistsAndMergesLabels() {
    byte[] data = Stores.bytes(2, 1000);
    ingest("one", data, Map.of("a", "1"));
    CommitResult again = ingest("two", data, Map.of("b", "2"));
    assertThat(again.outcome()).isEqualTo(CommitResult.Outcome.ALREADY_EXISTED);
    assertThat(store.info(again.digest()).labels()).isEqualTo(Map.of("a", "1", "b", "2"));
    assertThat(store.statuses(ContentFilter.ALL)).isEmpty();
  }

  @Test
  void aWrongSizeOrDigestFailsTheCommitAndKeepsTheIngest() {
    byte[] data = Stores.bytes(3, 5000);
    try (ContentWriter w = store.writer("bad", OptionalLong.empty())) {
      w.write(data, 0, data.length);
      assertThatThrownBy(() -> w.commit(OptionalLong.of(4999), Optional.empty(), Map.of()))
          .isInstanceOf(SizeMismatchException.class).hasMessageContaining("kept");
      Digest wrong = sha256(new byte[1]);
      assertThatThrownBy(() -> w.commit(OptionalLong.empty(), Optional.of(wrong), Map.of()))
          .isInstanceOf(InvalidImageDataException.class).hasMessageContaining(wrong.toString());
    }
    IngestStatus status = store.status("bad");
    assertThat(status.offset()).isEqualTo(5000);
    store.walk(ContentFilter.ALL, i -> {
      throw new AssertionError("no blob expected, found " + i);
    });
  }

  @Test
  void anExpectedDigestOfTheOtherAlgorithmIsChecked() {
    byte[] data = Stores.bytes(4, 70_000);
    Digest sha512 = Digest.of(DigestAlgorithm.SHA512, DigestAlgorithm.SHA512.newDigest().digest(data));
    try (ContentWriter w = store.writer("five12", OptionalLong.empty())) {
      w.write(data, 0, data.length);
      CommitResult r = w.commit(OptionalLong.empty(), Optional.of(sha512), Map.of());
      assertThat(r.digest()).isEqualTo(sha512);
    }
    assertThat(Files.exists(root.resolve("blobs/sha512/" + sha512.hex()))).isTrue();
  }

  @Test
  void aSecondWriterOfARefIsLockedAndToldForHowLong() throws Exception {
    try (ContentWriter w = store.writer("held", OptionalLong.empty())) {
      Thread.sleep(120);
      Thread other = new Thread(() -> assertThatThrownBy(
          () -> store.writer("held", OptionalLong.empty()))
          .isInstanceOfSatisfying(LockedException.class, e ->
              assertThat(e.heldFor()).hasValueSatisfying(
                  d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(100)))));
      other.start();
      other.join();
      assertThatThrownBy(() -> store.abort("held")).isInstanceOf(LockedException.class);
    }
    store.writer("held", OptionalLong.empty()).close();
    store.abort("held");
    assertThatThrownBy(() -> store.status("held")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.abort("held")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void statusesListAndFilterIngests() {
    byte[] data = Stores.bytes(5, 10);
    for (String ref : List.of("layer-b", "layer-a", "manifest-1")) {
      try (ContentWriter w = store.writer(ref, OptionalLong.of(100))) {
        w.write(data, 0, data.length);
        assertThat(w.status().offset()).isEqualTo(10);
      }
    }
    assertThat(store.statuses(ContentFilter.ALL)).extracting(IngestStatus::ref)
        .containsExactly("layer-a", "layer-b", "manifest-1");
    assertThat(store.statuses(ContentFilter.parse("ref~=^layer"))).extracting(IngestStatus::ref)
        .containsExactly("layer-a", "layer-b");
    IngestStatus s = store.status("manifest-1");
    assertThat(s.offset()).isEqualTo(10);
    assertThat(s.total()).hasValue(100);
    assertThat(s.updatedAt()).isAfterOrEqualTo(s.startedAt());
    assertThatThrownBy(() -> store.writer("manifest-1", OptionalLong.of(99)))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("100");
  }

  @Test
  void truncateStartsAgainFromZeroOnly() {
    byte[] a = Stores.bytes(6, 4000);
    byte[] b = Stores.bytes(7, 3000);
    try (ContentWriter w = store.writer("t", OptionalLong.empty())) {
      w.write(a, 0, a.length);
      assertThatThrownBy(() -> w.truncate(10)).isInstanceOf(InvalidRequestException.class);
      w.truncate(0);
      assertThat(w.status().offset()).isZero();
      w.write(b, 0, b.length);
      assertThat(w.digest()).isEqualTo(sha256(b));
      assertThat(w.commit(OptionalLong.of(3000), Optional.empty(), Map.of()).digest())
          .isEqualTo(sha256(b));
    }
  }

  @Test
  void aDamagedIngestIsRecreatedFromAnEmptyFile() throws IOException {
    byte[] a = Stores.bytes(8, 4000);
    try (ContentWriter w = store.writer("broken", OptionalLong.empty())) {
      w.write(a, 0, a.length);
    }
    Path dir = root.resolve("ingest").resolve(Layout.sha256Hex("broken"));
    Files.delete(dir.resolve("startedat")); // what a crash mid-creation can leave
    try (ContentWriter w = store.writer("broken", OptionalLong.empty())) {
      assertThat(w.status().offset()).isZero();
      assertThat(Files.size(dir.resolve("data"))).isZero();
      byte[] b = Stores.bytes(9, 10);
      w.write(b, 0, b.length);
      assertThat(w.commit(OptionalLong.of(10), Optional.of(sha256(b)), Map.of()).outcome())
          .isEqualTo(CommitResult.Outcome.CREATED);
    }
  }

  @Test
  void labelsAreReplacedOrChangedByField() {
    Digest d = ingest("l", Stores.bytes(10, 10), Map.of("a", "1", "b", "2")).digest();
    assertThat(store.updateLabels(d, Map.of("b", "3", "c", "4"), Set.of("labels.b", "c")).labels())
        .isEqualTo(Map.of("a", "1", "b", "3", "c", "4"));
    assertThat(store.updateLabels(d, Map.of("a", ""), Set.of("labels.a")).labels())
        .isEqualTo(Map.of("b", "3", "c", "4"));
    assertThat(store.updateLabels(d, Map.of("z", "9"), Set.of()).labels())
        .isEqualTo(Map.of("z", "9"));
    assertThat(store.info(d).updatedAt()).isAfterOrEqualTo(store.info(d).createdAt());
    Digest missing = sha256(new byte[3]);
    assertThatThrownBy(() -> store.updateLabels(missing, Map.of(), Set.of()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void walkFiltersAndDeleteRemoves() {
    Digest web = ingest("w", Stores.bytes(11, 10), Map.of("app", "web")).digest();
    Digest db = ingest("d", Stores.bytes(12, 10), Map.of("app", "db")).digest();
    List<Digest> seen = new ArrayList<>();
    store.walk(ContentFilter.parse("labels.app==web"), i -> seen.add(i.digest()));
    assertThat(seen).containsExactly(web);
    seen.clear();
    store.walk(ContentFilter.ALL, i -> seen.add(i.digest()));
    assertThat(seen).containsExactlyInAnyOrder(web, db);
    store.delete(web);
    assertThatThrownBy(() -> store.info(web)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.delete(web)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.read(web, ByteRange.ALL)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void refsNeverBecomePaths() throws IOException {
    Path deep = root.resolve("a/b/c/store");
    try (LocalContentStore nested = Stores.open(deep)) {
      String hostile = "../../../x";
      try (ContentWriter w = nested.writer(hostile, OptionalLong.empty())) {
        w.write(new byte[] {1}, 0, 1);
      }
      assertThat(nested.status(hostile).ref()).isEqualTo(hostile);
      assertThatThrownBy(() -> nested.writer("x".repeat(2000), OptionalLong.empty()))
          .isInstanceOf(InvalidRequestException.class);
    }
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.filter(p -> !p.startsWith(deep)).filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(root.resolve("blobs")) && !p.startsWith(root.resolve("locks"))
              && !p.startsWith(root.resolve("ingest")) && !p.startsWith(root.resolve("images"))))
          .isEmpty();
    }
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all).noneMatch(p -> p.getFileName().toString().equals("x"));
    }
  }

  @Test
  void idleIngestsExpireUnlessHeld() throws IOException {
    store.close();
    store = Stores.open(root, ContentConfig.ofRoot(root.toString())
        .withIngestExpiry(Duration.ofHours(1)));
    for (String ref : List.of("old", "held", "fresh")) {
      try (ContentWriter w = store.writer(ref, OptionalLong.empty())) {
        w.write(new byte[] {1, 2}, 0, 2);
      }
    }
    FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    for (String ref : List.of("old", "held")) {
      Path dir = root.resolve("ingest").resolve(Layout.sha256Hex(ref));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.setLastModifiedTime(f, longAgo);
        }
      }
      Files.setLastModifiedTime(dir, longAgo);
    }
    try (ContentWriter held = store.writer("held", OptionalLong.empty())) {
      assertThat(store.reapExpired()).isEqualTo(1);
    }
    assertThat(store.statuses(ContentFilter.ALL)).extracting(IngestStatus::ref)
        .containsExactly("fresh", "held");
  }
}
