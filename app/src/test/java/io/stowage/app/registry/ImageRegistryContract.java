package io.stowage.app.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.DuplicateException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.Multihash;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Location;
import io.stowage.app.registry.ImageQuery.Sort;
import io.stowage.app.registry.ImageQuery.SortKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's behaviour, run against each database by a subclass that says how to get a
 * fresh, empty one.
 */
abstract class ImageRegistryContract {
  static final String SHA512_EMPTY = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

  /** Settings for a new, empty database. */
  abstract RegistrySettings freshDatabase();

  RegistrySettings settings;
  ImageRegistry registry;

  @BeforeEach
  void open() {
    settings = freshDatabase();
    registry = ImageRegistry.open(settings);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private ImageRecord create(Function<NewImage.Builder, NewImage.Builder> spec) {
    return registry.create(spec.apply(NewImage.builder()).build());
  }

  private static Activation activation(long size, String storeId) {
    return new Activation(size, OptionalLong.of(size * 2), "d41d8cd98f00b204e9800998ecf8427e",
        new Multihash(HashAlgorithm.SHA512, SHA512_EMPTY),
        Location.of(URI.create("file:///data/images/x-" + size), storeId,
            Map.of("mountpoint", "/data", "id", "fast")));
  }

  // ---- CRUD

  @Test
  void createdImageReadsBackWithEveryField() {
    ImageRecord created = create(b -> b.id("6d3e4b8c-0000-4000-8000-000000000001").name("cirros")
        .diskFormat("qcow2").containerFormat("bare").minDisk(2).minRam(512).isProtected(true)
        .osHidden(true).visibility(Visibility.PUBLIC).owner("p1").tags(Set.of("b", "a"))
        .properties(Map.of("os_distro", "cirros", "hw_disk_bus", "virtio")));

    assertThat(created.status()).isEqualTo(ImageStatus.QUEUED);
    assertThat(created.size()).isEmpty();
    assertThat(created.checksum()).isEmpty();
    assertThat(created.tags()).containsExactly("a", "b");
    assertThat(created.createdAt()).isEqualTo(created.updatedAt());
    assertThat(Duration.between(created.createdAt(), Instant.now()).abs())
        .isLessThan(Duration.ofMinutes(1));
    assertThat(registry.find(created.id())).contains(created);
  }

  @Test
  void defaultsAreGlances() {
    ImageRecord created = create(b -> b);
    assertThat(created.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(created.visibility()).isEqualTo(Visibility.SHARED);
    assertThat(created.name()).isEmpty();
    assertThat(created.owner()).isEmpty();
    assertThat(created.isProtected()).isFalse();
    assertThat(created.locations()).isEmpty();
    assertThat(registry.find(created.id())).contains(created);
  }

  @Test
  void aSecondImageWithTheSameIdIsADuplicate() {
    create(b -> b.id("same").name("first"));
    assertThatThrownBy(() -> create(b -> b.id("same").name("second")))
        .isInstanceOf(DuplicateException.class).hasMessageContaining("same");
    assertThat(registry.find("same").orElseThrow().name()).contains("first");
  }

  @Test
  void badValuesAreRefusedBeforeTheDatabase() {
    assertThatThrownBy(() -> create(b -> b.id("../etc")))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> create(b -> b.name("n".repeat(256))))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> create(b -> b.tags(Set.of(""))))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> create(b -> b.minRam(-1)))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(registry.list(ImageQuery.builder(Scope.ADMIN).build()).images()).isEmpty();
  }

  @Test
  void findOfAnUnknownIdIsEmpty() {
    assertThat(registry.find("no-such-image")).isEmpty();
  }

  @Test
  void updateReplacesTheSettableFields() throws Exception {
    ImageRecord before = create(b -> b.name("old").tags(Set.of("t1")).properties(Map.of("a", "1")));
    Thread.sleep(5);
    ImageRecord after = registry.update(before.id(), r -> r.withName(Optional.of("new"))
        .withDiskFormat(Optional.of("raw")).withContainerFormat(Optional.of("bare"))
        .withMinDisk(10).withMinRam(1024).withProtected(true).withOsHidden(true)
        .withVisibility(Visibility.COMMUNITY).withOwner(Optional.of("p9"))
        .withTags(Set.of("t2", "t3")).withoutProperty("a").withProperty("b", "2")
        .withLocations(List.of(Location.of(URI.create("file:///x"), "local", Map.of()))));

    assertThat(after.name()).contains("new");
    assertThat(after.diskFormat()).contains("raw");
    assertThat(after.containerFormat()).contains("bare");
    assertThat(after.minDisk()).isEqualTo(10);
    assertThat(after.minRam()).isEqualTo(1024);
    assertThat(after.isProtected()).isTrue();
    assertThat(after.osHidden()).isTrue();
    assertThat(after.visibility()).isEqualTo(Visibility.COMMUNITY);
    assertThat(after.owner()).contains("p9");
    assertThat(after.tags()).containsExactly("t2", "t3");
    assertThat(after.properties()).isEqualTo(Map.of("b", "2"));
    assertThat(after.locations()).extracting(Location::uri).containsExactly(URI.create("file:///x"));
    assertThat(after.locations().get(0).storeId()).contains("local");
    assertThat(after.createdAt()).isEqualTo(before.createdAt());
    assertThat(after.updatedAt()).isAfter(before.updatedAt());
    assertThat(registry.find(before.id())).contains(after);
  }

  @Test
  void updateOfAMissingImageIsNotFound() {
    assertThatThrownBy(() -> registry.update("missing", r -> r))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void updateCannotChangeStatusOrData() {
    ImageRecord image = create(b -> b.name("x"));
    registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    registry.activate(image.id(), activation(10, "local"));
    assertThatThrownBy(() -> registry.update(image.id(), r -> new ImageRecord(r.id(), r.name(),
        ImageStatus.QUEUED, r.size(), r.virtualSize(), r.diskFormat(), r.containerFormat(),
        r.checksum(), r.osHashAlgo(), r.osHashValue(), r.minDisk(), r.minRam(), r.isProtected(),
        r.osHidden(), r.visibility(), r.owner(), r.tags(), r.properties(), r.locations(),
        r.createdAt(), r.updatedAt()))).isInstanceOf(IllegalArgumentException.class);
    assertThat(registry.find(image.id()).orElseThrow().status()).isEqualTo(ImageStatus.ACTIVE);
  }

  @Test
  void tagsAreAddedAndRemovedOnce() {
    ImageRecord image = create(b -> b.tags(Set.of("a")));
    assertThat(registry.addTag(image.id(), "b")).isTrue();
    assertThat(registry.addTag(image.id(), "b")).isFalse();
    assertThat(registry.removeTag(image.id(), "a")).isTrue();
    assertThat(registry.removeTag(image.id(), "a")).isFalse();
    assertThat(registry.find(image.id()).orElseThrow().tags()).containsExactly("b");
    assertThatThrownBy(() -> registry.addTag("missing", "x")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> registry.removeTag("missing", "x"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> registry.addTag(image.id(), "x".repeat(256)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void deleteRemovesTheImageAndEverythingOfIt() {
    ImageRecord image = create(b -> b.id("gone").tags(Set.of("t")).properties(Map.of("k", "v")));
    registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    registry.startProgress(image.id(), OptionalLong.of(10));
    registry.activate(image.id(), activation(10, "local"));

    assertThat(registry.delete(image.id())).isTrue();
    assertThat(registry.find(image.id())).isEmpty();
    assertThat(registry.progress(image.id())).isEmpty();
    assertThat(registry.delete(image.id())).isFalse();
    // The id is free again, with nothing of the old image.
    ImageRecord again = create(b -> b.id("gone"));
    assertThat(again.tags()).isEmpty();
    assertThat(again.properties()).isEmpty();
    assertThat(registry.find("gone").orElseThrow().locations()).isEmpty();
  }

  // ---- status machine

  @Test
  void transitionIsCompareAndSet() {
    ImageRecord image = create(b -> b);
    assertThat(registry.transition(image.id(), ImageStatus.SAVING, ImageStatus.ACTIVE)).isFalse();
    assertThat(registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING)).isTrue();
    assertThat(registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING)).isFalse();
    assertThat(registry.transition(image.id(), ImageStatus.SAVING, ImageStatus.QUEUED)).isTrue();
    assertThat(registry.transition("missing", ImageStatus.QUEUED, ImageStatus.SAVING)).isFalse();
    assertThat(registry.find(image.id()).orElseThrow().status()).isEqualTo(ImageStatus.QUEUED);
  }

  @Test
  void ofConcurrentUploadsToOneImageExactlyOneStarts() throws Exception {
    for (int round = 0; round < 10; round++) {
      ImageRecord image = create(b -> b);
      List<Boolean> results = concurrently(8, 1,
          (thread, i) -> registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING));
      assertThat(results).containsOnlyOnce(true).hasSize(8);
      assertThat(registry.find(image.id()).orElseThrow().status()).isEqualTo(ImageStatus.SAVING);
    }
  }

  @Test
  void activateRecordsTheDataWithTheStatusChange() {
    ImageRecord image = create(b -> b.name("img"));
    assertThat(registry.activate(image.id(), activation(100, "local"))).isEmpty();
    assertThat(registry.find(image.id()).orElseThrow().status()).isEqualTo(ImageStatus.QUEUED);

    registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    ImageRecord active = registry.activate(image.id(), activation(100, "local")).orElseThrow();
    assertThat(active.status()).isEqualTo(ImageStatus.ACTIVE);
    assertThat(active.size()).hasValue(100);
    assertThat(active.virtualSize()).hasValue(200);
    assertThat(active.checksum()).contains("d41d8cd98f00b204e9800998ecf8427e");
    assertThat(active.osHashAlgo()).contains("sha512");
    assertThat(active.osHashValue()).contains(SHA512_EMPTY);
    assertThat(active.locations()).containsExactly(activation(100, "local").location());
    assertThat(registry.find(image.id())).contains(active);
    // Only once.
    assertThat(registry.activate(image.id(), activation(5, "other"))).isEmpty();
    assertThat(registry.find(image.id()).orElseThrow().locations()).hasSize(1);
  }

  @Test
  void activatingAnImageDeletedDuringTheUploadFindsNothing() {
    ImageRecord image = create(b -> b);
    registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    registry.delete(image.id());
    assertThat(registry.activate(image.id(), activation(1, "local"))).isEmpty();
    assertThat(registry.find(image.id())).isEmpty();
  }

  // ---- concurrent updates

  @Test
  void concurrentUpdatesOfDifferentPropertiesLoseNothing() throws Exception {
    ImageRecord image = create(b -> b.name("busy"));
    int threads = 8;
    int updates = 20;
    concurrently(threads, updates, (t, i) ->
        registry.update(image.id(), r -> r.withProperty("t" + t + "_" + i, "v" + i)));
    Map<String, String> props = registry.find(image.id()).orElseThrow().properties();
    assertThat(props).hasSize(threads * updates);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < updates; i++) {
        assertThat(props).containsEntry("t" + t + "_" + i, "v" + i);
      }
    }
  }

  @Test
  void concurrentReadModifyWritesSerialise() throws Exception {
    ImageRecord image = create(b -> b.properties(Map.of("count", "0")));
    int threads = 6;
    int updates = 15;
    concurrently(threads, updates, (t, i) -> registry.update(image.id(), r -> r.withProperty(
        "count", String.valueOf(Integer.parseInt(r.properties().get("count")) + 1))));
    assertThat(registry.find(image.id()).orElseThrow().properties())
        .containsEntry("count", String.valueOf(threads * updates));
  }

  @Test
  void concurrentTagAddsLoseNothing() throws Exception {
    ImageRecord image = create(b -> b);
    concurrently(6, 10, (t, i) -> registry.addTag(image.id(), "tag-" + t + "-" + i));
    assertThat(registry.find(image.id()).orElseThrow().tags()).hasSize(60);
  }

  // ---- progress

  @Test
  void progressIsRecordedAndRead() throws Exception {
    ImageRecord image = create(b -> b);
    assertThat(registry.progress(image.id())).isEmpty();
    registry.startProgress(image.id(), OptionalLong.of(1000));
    UploadProgress started = registry.progress(image.id()).orElseThrow();
    assertThat(started.bytesReceived()).isZero();
    assertThat(started.bytesTotal()).hasValue(1000);
    assertThat(started.bytesPerSecond()).isZero();
    Thread.sleep(50);
    registry.recordProgress(image.id(), 400, OptionalLong.of(1000));
    UploadProgress later = registry.progress(image.id()).orElseThrow();
    assertThat(later.bytesReceived()).isEqualTo(400);
    assertThat(later.startedAt()).isEqualTo(started.startedAt());
    assertThat(later.updatedAt()).isAfter(started.updatedAt());
    long millis = Duration.between(later.startedAt(), later.updatedAt()).toMillis();
    assertThat(later.bytesPerSecond()).isEqualTo(400 * 1000 / millis);

    // A retry starts over; an unknown size is empty.
    registry.startProgress(image.id(), OptionalLong.empty());
    UploadProgress retry = registry.progress(image.id()).orElseThrow();
    assertThat(retry.bytesReceived()).isZero();
    assertThat(retry.bytesTotal()).isEmpty();
    assertThat(retry.startedAt()).isAfterOrEqualTo(later.updatedAt());

    registry.recordProgress("missing", 1, OptionalLong.empty());
    assertThat(registry.progress("missing")).isEmpty();
  }

  @Test
  void throttledProgressWritesAboutOnceAnInterval() throws Exception {
    ImageRecord image = create(b -> b);
    CountingRegistry counting = new CountingRegistry(registry);
    long start = System.nanoTime();
    ThrottledProgress progress = new ThrottledProgress(
        counting, image.id(), OptionalLong.of(1_000_000), Duration.ofMillis(100));
    long bytes = 0;
    while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(650)) {
      bytes += 64;
      progress.onProgress(bytes, OptionalLong.of(1_000_000));
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(bytes / 64).isGreaterThan(1000); // reports far outnumber writes
    assertThat(counting.writes.get()).isBetween(3, (int) (elapsedMillis / 100) + 2);
    progress.flush();
    assertThat(registry.progress(image.id()).orElseThrow().bytesReceived()).isEqualTo(bytes);
  }

  @Test
  void throttledProgressHoldsReportsUntilTheIntervalOrAFlush() {
    ImageRecord image = create(b -> b);
    CountingRegistry counting = new CountingRegistry(registry);
    ThrottledProgress progress = new ThrottledProgress(
        counting, image.id(), OptionalLong.empty(), Duration.ofHours(1));
    assertThat(counting.writes.get()).isEqualTo(1); // the start
    for (long b = 1; b <= 1000; b++) {
      progress.onProgress(b * 512, OptionalLong.empty());
    }
    assertThat(counting.writes.get()).isEqualTo(1);
    assertThat(registry.progress(image.id()).orElseThrow().bytesReceived()).isZero();

    progress.flush();
    UploadProgress last = registry.progress(image.id()).orElseThrow();
    assertThat(last.bytesReceived()).isEqualTo(512_000);
    assertThat(last.bytesTotal()).isEmpty();
    assertThat(counting.writes.get()).isEqualTo(2);
    progress.flush(); // nothing new: no write
    assertThat(counting.writes.get()).isEqualTo(2);
  }

  // ---- quota

  @Test
  void bytesStoredCountsTheOwnersImagesWithData() {
    for (long size : new long[] {100, 250}) {
      ImageRecord i = create(b -> b.owner("p1"));
      registry.transition(i.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
      registry.activate(i.id(), activation(size, "local"));
    }
    create(b -> b.owner("p1")); // no data yet
    ImageRecord other = create(b -> b.owner("p2"));
    registry.transition(other.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    registry.activate(other.id(), activation(7, "local"));

    assertThat(registry.bytesStoredBy("p1")).isEqualTo(350);
    assertThat(registry.bytesStoredBy("p2")).isEqualTo(7);
    assertThat(registry.bytesStoredBy("nobody")).isZero();
  }

  @Test
  void concurrentReservationsStayWithinTheQuota() throws Exception {
    ImageRecord stored = create(b -> b.owner("p1"));
    registry.transition(stored.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    registry.activate(stored.id(), activation(300, "local"));
    List<String> uploads = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ImageRecord image = create(b -> b.owner("p1"));
      registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
      uploads.add(image.id());
    }
    ImageRecord elsewhere = create(b -> b.owner("p2"));
    registry.transition(elsewhere.id(), ImageStatus.QUEUED, ImageStatus.SAVING);

    List<OptionalLong> granted = concurrently(10, 1,
        (thread, i) -> registry.reserve(uploads.get(thread), 200, 200, 1000));
    assertThat(granted.stream().filter(OptionalLong::isPresent).count())
        .as("300 stored + 3 x 200 fit in 1000, a fourth does not").isEqualTo(3);
    assertThat(registry.bytesReservedBy("p1")).isEqualTo(600);
    assertThat(registry.reserve(elsewhere.id(), 1000, 1000, 1000))
        .as("another project's quota is its own").hasValue(1000);

    List<String> holders = new ArrayList<>();
    for (int i = 0; i < uploads.size(); i++) {
      if (granted.get(i).isPresent()) {
        holders.add(uploads.get(i));
      }
    }
    // A failed upload (back to queued) releases its claim; a finished one counts its size.
    assertThat(registry.transition(holders.get(0), ImageStatus.SAVING, ImageStatus.QUEUED)).isTrue();
    assertThat(registry.bytesReservedBy("p1")).isEqualTo(400);
    registry.activate(holders.get(1), activation(150, "local"));
    assertThat(registry.bytesReservedBy("p1")).isEqualTo(200);
    assertThat(registry.bytesStoredBy("p1")).isEqualTo(450);
    // 450 stored + 200 reserved: 350 left; a range takes what is left, at least its minimum.
    String next = uploads.stream().filter(id -> !holders.contains(id)).findFirst().orElseThrow();
    assertThat(registry.reserve(next, 10, 5000, 1000)).hasValue(350);
    assertThat(registry.reserve(next, 10, 5000, 1000)).as("its own claim is not counted twice")
        .hasValue(350);
    assertThat(registry.reserve(next, 351, 351, 1000)).isEmpty();
    assertThat(registry.bytesReservedBy("p1")).as("a refusal keeps the claim").isEqualTo(550);
    registry.delete(holders.get(2));
    assertThat(registry.bytesReservedBy("p1")).isEqualTo(350);
    assertThat(registry.transition(next, ImageStatus.SAVING, ImageStatus.QUEUED)).isTrue();
    assertThat(registry.bytesReservedBy("p1")).isZero();

    assertThatThrownBy(() -> registry.reserve(next, 1, 1, 1000))
        .as("only a running upload reserves").isInstanceOf(NotFoundException.class);
    ImageRecord ownerless = create(b -> b);
    registry.transition(ownerless.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    assertThat(registry.reserve(ownerless.id(), 5, 7000, 10)).as("no owner, no quota").hasValue(7000);
  }

  // ---- members

  @Test
  void membersAreAddedAnsweredAndRemoved() {
    ImageRecord image = create(b -> b.owner("a").visibility(Visibility.SHARED));
    ImageMember b = registry.addMember(image.id(), "b", 3);
    assertThat(b.status()).isEqualTo(MemberStatus.PENDING);
    assertThat(b.imageId()).isEqualTo(image.id());
    assertThatThrownBy(() -> registry.addMember(image.id(), "b", 3))
        .isInstanceOf(DuplicateException.class)
        .hasMessage("Member b is duplicated for image " + image.id());
    registry.addMember(image.id(), "c", 3);
    registry.addMember(image.id(), "d", 3);
    assertThatThrownBy(() -> registry.addMember(image.id(), "e", 3))
        .isInstanceOf(io.stowage.api.StorageFullException.class).hasMessageContaining("3 members");
    assertThatThrownBy(() -> registry.addMember("missing", "b", 3))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> registry.addMember(image.id(), "x".repeat(256), 300))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(registry.members(image.id())).extracting(ImageMember::member)
        .containsExactlyInAnyOrder("b", "c", "d");

    ImageMember accepted = registry.updateMember(image.id(), "b", MemberStatus.ACCEPTED).orElseThrow();
    assertThat(accepted.status()).isEqualTo(MemberStatus.ACCEPTED);
    assertThat(accepted.createdAt()).isEqualTo(b.createdAt());
    assertThat(registry.member(image.id(), "b")).contains(accepted);
    assertThat(registry.updateMember(image.id(), "zz", MemberStatus.ACCEPTED)).isEmpty();
    assertThat(registry.removeMember(image.id(), "c")).isTrue();
    assertThat(registry.removeMember(image.id(), "c")).isFalse();
    assertThat(registry.member(image.id(), "c")).isEmpty();

    registry.delete(image.id());
    assertThat(registry.members(image.id())).as("deleting the image ends its memberships").isEmpty();
    ImageRecord again = create(x -> x.id(image.id()).owner("a").visibility(Visibility.SHARED));
    assertThat(registry.members(again.id())).isEmpty();
  }

  @Test
  void sharedImagesAreListedToMembersByTheirAnswer() {
    ImageRecord shared = create(b -> b.name("shared").owner("a").visibility(Visibility.SHARED));
    ImageRecord other = create(b -> b.name("other").owner("a").visibility(Visibility.SHARED));
    ImageRecord priv = create(b -> b.name("priv").owner("a").visibility(Visibility.PRIVATE));
    create(b -> b.name("bown").owner("b").visibility(Visibility.SHARED));
    registry.addMember(shared.id(), "b", 10);
    registry.addMember(other.id(), "b", 10);
    registry.addMember(priv.id(), "b", 10); // a member of a private image sees nothing of it
    registry.addMember(shared.id(), "c", 10);
    Scope b = Scope.project("b");
    Scope c = Scope.project("c");

    assertThat(names(ImageQuery.builder(b))).as("pending: not listed by default")
        .containsExactly("bown");
    registry.updateMember(shared.id(), "b", MemberStatus.ACCEPTED);
    registry.updateMember(other.id(), "b", MemberStatus.REJECTED);
    registry.updateMember(priv.id(), "b", MemberStatus.ACCEPTED);
    assertThat(names(ImageQuery.builder(b))).containsExactlyInAnyOrder("bown", "shared");
    assertThat(names(ImageQuery.builder(b).memberStatus(Optional.of(MemberStatus.REJECTED))))
        .containsExactlyInAnyOrder("bown", "other");
    assertThat(names(ImageQuery.builder(b).memberStatus(Optional.empty())))
        .containsExactlyInAnyOrder("bown", "shared", "other");
    assertThat(names(ImageQuery.builder(b).visibility(Visibility.SHARED)))
        .containsExactlyInAnyOrder("bown", "shared");
    assertThat(names(ImageQuery.builder(b).visibility(Visibility.PRIVATE))).isEmpty();
    assertThat(names(ImageQuery.builder(c))).isEmpty();
    assertThat(names(ImageQuery.builder(c).memberStatus(Optional.of(MemberStatus.PENDING))))
        .containsExactly("shared");
    assertThat(names(ImageQuery.builder(Scope.project("a")).visibility(Visibility.SHARED)))
        .containsExactlyInAnyOrder("shared", "other");
  }

  // ---- migrations

  @Test
  void reopeningKeepsDataAndAppliesNoMigrationTwice() {
    ImageRecord image = create(b -> b.name("kept").tags(Set.of("t")));
    registry.close();
    for (int i = 0; i < 2; i++) {
      try (ImageRegistry again = ImageRegistry.open(settings)) {
        assertThat(again.find(image.id())).contains(image);
      }
    }
    assertThat(MigrationHistory.read(settings)).containsExactlyElementsOf(MigrationHistory.allApplied());
    registry = ImageRegistry.open(settings);
  }

  // ---- visibility

  @Test
  void visibilityDecidesWhoSeesWhat() {
    ImageRecord pub = create(b -> b.name("pub").owner("a").visibility(Visibility.PUBLIC));
    ImageRecord priv = create(b -> b.name("priv").owner("a").visibility(Visibility.PRIVATE));
    ImageRecord shared = create(b -> b.name("shared").owner("a").visibility(Visibility.SHARED));
    ImageRecord comm = create(b -> b.name("comm").owner("a").visibility(Visibility.COMMUNITY));
    ImageRecord bPriv = create(b -> b.name("bpriv").owner("b").visibility(Visibility.PRIVATE));

    Scope a = Scope.project("a");
    Scope b = Scope.project("b");
    assertThat(registry.find(priv.id(), a)).contains(priv);
    assertThat(registry.find(priv.id(), b)).isEmpty();
    assertThat(registry.find(shared.id(), b)).isEmpty();
    assertThat(registry.find(comm.id(), b)).contains(comm);
    assertThat(registry.find(pub.id(), b)).contains(pub);
    assertThat(registry.find(bPriv.id(), Scope.ADMIN)).contains(bPriv);
    assertThat(a.canModify(priv)).isTrue();
    assertThat(b.canModify(pub)).isFalse();
    assertThat(Scope.ADMIN.canModify(pub)).isTrue();

    assertThat(names(ImageQuery.builder(a))).containsExactlyInAnyOrder("pub", "priv", "shared", "comm");
    assertThat(names(ImageQuery.builder(b))).containsExactlyInAnyOrder("pub", "bpriv");
    assertThat(names(ImageQuery.builder(Scope.ADMIN)))
        .containsExactlyInAnyOrder("pub", "priv", "shared", "comm", "bpriv");
    assertThat(names(ImageQuery.builder(b).visibility(Visibility.COMMUNITY))).containsExactly("comm");
    assertThat(names(ImageQuery.builder(b).visibility(Visibility.PRIVATE))).containsExactly("bpriv");
    assertThat(names(ImageQuery.builder(b).visibility(Visibility.SHARED))).isEmpty();
    assertThat(names(ImageQuery.builder(a).visibility(Visibility.SHARED))).containsExactly("shared");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).visibility(Visibility.PRIVATE)))
        .containsExactlyInAnyOrder("priv", "bpriv");
    assertThat(names(ImageQuery.builder(new Scope(Optional.empty(), false))))
        .containsExactly("pub");

    // Another project's private image cannot serve as a marker either.
    assertThatThrownBy(() -> registry.list(ImageQuery.builder(b).marker(priv.id()).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining(priv.id());
  }

  // ---- filters

  @Test
  void everyFilterSelects() {
    ImageRecord a = create(b -> b.name("alpha").owner("p1").diskFormat("qcow2")
        .containerFormat("bare").tags(Set.of("x", "y")).properties(Map.of("os", "linux")));
    ImageRecord b2 = create(b -> b.name("beta").owner("p2").diskFormat("raw")
        .containerFormat("ovf").tags(Set.of("x")).isProtected(true).properties(Map.of("os", "bsd")));
    ImageRecord c = create(b -> b.name("gamma").owner("p1").diskFormat("raw")
        .containerFormat("bare").osHidden(true).visibility(Visibility.PUBLIC));
    registry.transition(a.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    registry.activate(a.id(), activation(1000, "local"));
    registry.transition(b2.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
    registry.activate(b2.id(), activation(5000, "local"));
    Function<ImageQuery.Builder, ImageQuery.Builder> admin = q -> q;

    assertThat(names(ImageQuery.builder(Scope.ADMIN).name("beta"))).containsExactly("beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).status(ImageStatus.ACTIVE)))
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).status(ImageStatus.QUEUED)))
        .containsExactly("gamma");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).visibility(Visibility.PUBLIC)))
        .containsExactly("gamma");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).owner("p1")))
        .containsExactlyInAnyOrder("alpha", "gamma");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).tags(Set.of("x"))))
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).tags(Set.of("x", "y")))).containsExactly("alpha");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).tags(Set.of("z")))).isEmpty();
    assertThat(names(ImageQuery.builder(Scope.ADMIN).diskFormat("raw")))
        .containsExactlyInAnyOrder("beta", "gamma");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).containerFormat("ovf"))).containsExactly("beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).sizeMin(1000)))
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).sizeMin(1001))).containsExactly("beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).sizeMax(4999))).containsExactly("alpha");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).sizeMin(1000).sizeMax(5000)))
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).osHidden(false)))
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).osHidden(true))).containsExactly("gamma");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).isProtected(true))).containsExactly("beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).properties(Map.of("os", "linux"))))
        .containsExactly("alpha");
    assertThat(names(admin.apply(ImageQuery.builder(Scope.ADMIN)).owner("p1").diskFormat("raw")))
        .containsExactly("gamma");
  }

  @Test
  void setFiltersMatchAnyOfTheirValues() {
    ImageRecord a = create(b -> b.name("alpha").diskFormat("qcow2").containerFormat("bare"));
    ImageRecord b2 = create(b -> b.name("beta").diskFormat("raw").containerFormat("ovf"));
    create(b -> b.name("gamma").diskFormat("vmdk").containerFormat("bare"));
    registry.transition(a.id(), ImageStatus.QUEUED, ImageStatus.SAVING);

    assertThat(names(ImageQuery.builder(Scope.ADMIN).names(List.of("alpha", "gamma", "zeta"))))
        .containsExactlyInAnyOrder("alpha", "gamma");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).names(List.of()))).isEmpty();
    assertThat(names(ImageQuery.builder(Scope.ADMIN).ids(List.of(a.id(), b2.id(), "nope"))))
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).diskFormats(List.of("raw", "vmdk"))))
        .containsExactlyInAnyOrder("beta", "gamma");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).containerFormats(List.of("ovf"))))
        .containsExactly("beta");
    assertThat(names(ImageQuery.builder(Scope.ADMIN)
        .statuses(List.of(ImageStatus.SAVING, ImageStatus.ACTIVE)))).containsExactly("alpha");
    assertThat(names(ImageQuery.builder(Scope.ADMIN).diskFormats(List.of("raw", "qcow2"))
        .containerFormats(List.of("bare")))).containsExactly("alpha");
  }

  @Test
  void timeFiltersCompareTheSecondsShown() throws Exception {
    ImageRecord first = create(b -> b.name("first"));
    Instant shown = first.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    // The next whole second and then some: the second image is shown a second later at least.
    Thread.sleep(Duration.between(first.createdAt(), shown.plusMillis(1100)).toMillis());
    ImageRecord second = create(b -> b.name("second"));
    Function<ImageQuery.Comparison, List<String>> created = op -> names(ImageQuery
        .builder(Scope.ADMIN).time(new ImageQuery.TimeFilter(ImageQuery.TimeField.CREATED_AT, op, shown)));

    assertThat(created.apply(ImageQuery.Comparison.EQ)).containsExactly("first");
    assertThat(created.apply(ImageQuery.Comparison.NEQ)).containsExactly("second");
    assertThat(created.apply(ImageQuery.Comparison.GT)).containsExactly("second");
    assertThat(created.apply(ImageQuery.Comparison.GTE)).containsExactlyInAnyOrder("first", "second");
    assertThat(created.apply(ImageQuery.Comparison.LT)).isEmpty();
    assertThat(created.apply(ImageQuery.Comparison.LTE)).containsExactly("first");
    Instant half = shown.plusMillis(500);
    Function<ImageQuery.Comparison, List<String>> createdHalf = op -> names(ImageQuery
        .builder(Scope.ADMIN).time(new ImageQuery.TimeFilter(ImageQuery.TimeField.CREATED_AT, op, half)));
    assertThat(createdHalf.apply(ImageQuery.Comparison.EQ)).isEmpty();
    assertThat(createdHalf.apply(ImageQuery.Comparison.LT)).containsExactly("first");
    assertThat(createdHalf.apply(ImageQuery.Comparison.GT)).containsExactly("second");
    assertThat(createdHalf.apply(ImageQuery.Comparison.NEQ)).containsExactlyInAnyOrder("first", "second");

    registry.update(first.id(), r -> r); // touches updated_at
    Instant later = registry.find(first.id()).orElseThrow().updatedAt();
    assertThat(names(ImageQuery.builder(Scope.ADMIN)
        .time(new ImageQuery.TimeFilter(ImageQuery.TimeField.UPDATED_AT, ImageQuery.Comparison.GTE,
            later.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .time(new ImageQuery.TimeFilter(ImageQuery.TimeField.CREATED_AT, ImageQuery.Comparison.LTE, shown))))
        .containsExactly("first");
  }

  // ---- pagination

  @Test
  void markerPagesCoverEverySortExactlyOnce() {
    String[] names = {"m", "c", null, "x", "c", "a", null, "q", "m", "b", "z", "c", "k"};
    String[] formats = {"raw", "qcow2", null, "vmdk"};
    for (int i = 0; i < names.length; i++) {
      int n = i;
      ImageRecord image = create(b -> {
        if (names[n] != null) {
          b.name(names[n]);
        }
        if (formats[n % 4] != null) {
          b.diskFormat(formats[n % 4]);
        }
        return b.minDisk(n % 3).owner(n % 2 == 0 ? "p1" : "p2")
            .visibility(Visibility.values()[n % 4]);
      });
      if (n % 3 != 0) {
        registry.transition(image.id(), ImageStatus.QUEUED, ImageStatus.SAVING);
        registry.activate(image.id(), activation(n % 5 * 10, "local"));
      }
    }
    List<List<Sort>> sorts = List.of(
        List.of(),
        List.of(Sort.desc(SortKey.CREATED_AT)),
        List.of(Sort.asc(SortKey.NAME)),
        List.of(Sort.desc(SortKey.NAME)),
        List.of(Sort.asc(SortKey.SIZE)),
        List.of(Sort.desc(SortKey.SIZE)),
        List.of(Sort.asc(SortKey.STATUS), Sort.desc(SortKey.NAME)),
        List.of(Sort.desc(SortKey.DISK_FORMAT), Sort.asc(SortKey.SIZE)),
        List.of(Sort.asc(SortKey.VISIBILITY), Sort.desc(SortKey.MIN_DISK), Sort.asc(SortKey.OWNER)),
        List.of(Sort.asc(SortKey.ID)),
        List.of(Sort.desc(SortKey.UPDATED_AT), Sort.asc(SortKey.VIRTUAL_SIZE)));
    for (List<Sort> sort : sorts) {
      List<ImageRecord> all = registry.list(
          ImageQuery.builder(Scope.ADMIN).sort(sort).limit(1000).build()).images();
      assertThat(all).as("sort %s", sort).hasSize(names.length)
          .isSortedAccordingTo(comparator(sort));
      for (int limit : new int[] {1, 3, 5}) {
        List<ImageRecord> paged = new ArrayList<>();
        Optional<String> marker = Optional.empty();
        int pages = 0;
        do {
          ImageQuery.Builder q = ImageQuery.builder(Scope.ADMIN).sort(sort).limit(limit);
          marker.ifPresent(q::marker);
          ImagePage page = registry.list(q.build());
          assertThat(page.images().size()).isLessThanOrEqualTo(limit);
          paged.addAll(page.images());
          marker = page.nextMarker();
          assertThat(++pages).isLessThanOrEqualTo(names.length + 1);
        } while (marker.isPresent());
        assertThat(paged).as("sort %s, limit %d", sort, limit).isEqualTo(all);
      }
    }
    // The last page says so; a filtered listing pages within the filter.
    assertThat(registry.list(ImageQuery.builder(Scope.ADMIN).limit(names.length).build())
        .nextMarker()).isEmpty();
    List<ImageRecord> p1 = new ArrayList<>();
    ImagePage page = registry.list(ImageQuery.builder(Scope.project("p1")).limit(2).build());
    p1.addAll(page.images());
    while (page.nextMarker().isPresent()) {
      page = registry.list(ImageQuery.builder(Scope.project("p1")).limit(2)
          .marker(page.nextMarker().get()).build());
      p1.addAll(page.images());
    }
    assertThat(p1).extracting(ImageRecord::id).doesNotHaveDuplicates()
        .hasSameElementsAs(names(ImageQuery.builder(Scope.project("p1")).limit(1000), true));
  }

  @Test
  void anUnknownMarkerIsABadRequest() {
    assertThatThrownBy(() -> registry.list(ImageQuery.builder(Scope.ADMIN).marker("nope").build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nope");
  }

  /** The order the registry promises: absent values first ascending, the id breaks ties. */
  @SuppressWarnings("unchecked")
  private static Comparator<ImageRecord> comparator(List<Sort> sort) {
    Comparator<ImageRecord> c = (x, y) -> 0;
    for (Sort s : ImageListing.totalOrder(sort)) {
      Comparator<ImageRecord> key = Comparator.comparing(
          r -> sortValue(s.key(), r), Comparator.nullsFirst(Comparator.naturalOrder()));
      c = c.thenComparing(s.ascending() ? key : key.reversed());
    }
    return c;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparable sortValue(SortKey key, ImageRecord r) {
    return switch (key) {
      case NAME -> r.name().orElse(null);
      case STATUS -> r.status().wireName();
      case CONTAINER_FORMAT -> r.containerFormat().orElse(null);
      case DISK_FORMAT -> r.diskFormat().orElse(null);
      case SIZE -> r.size().isPresent() ? r.size().getAsLong() : null;
      case VIRTUAL_SIZE -> r.virtualSize().isPresent() ? r.virtualSize().getAsLong() : null;
      case ID -> r.id();
      case CREATED_AT -> r.createdAt();
      case UPDATED_AT -> r.updatedAt();
      case OWNER -> r.owner().orElse(null);
      case VISIBILITY -> r.visibility().wireName();
      case MIN_DISK -> r.minDisk();
      case MIN_RAM -> r.minRam();
    };
  }

  private List<String> names(ImageQuery.Builder query) {
    return names(query, false);
  }

  private List<String> names(ImageQuery.Builder query, boolean ids) {
    return registry.list(query.limit(1000).build()).images().stream()
        .map(r -> ids ? r.id() : r.name().orElse("")).toList();
  }

  // ---- helpers

  @FunctionalInterface
  interface Step<T> {
    T run(int thread, int iteration) throws Exception;
  }

  /** Runs {@code step} {@code iterations} times on each of {@code threads} threads at once. */
  static <T> List<T> concurrently(int threads, int iterations, Step<T> step) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<T>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<List<T>> task = () -> {
          go.await();
          List<T> out = new ArrayList<>();
          for (int i = 0; i < iterations; i++) {
            out.add(step.run(thread, i));
          }
          return out;
        };
        futures.add(pool.submit(task));
      }
      go.countDown();
      List<T> all = new ArrayList<>();
      for (Future<List<T>> f : futures) {
        all.addAll(f.get(120, TimeUnit.SECONDS));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- upload leases (issue 12: a crash mid-upload must not leave the image saving forever)

  @Test
  void uploadLeasesAreComparedAndSetOnRequeue() throws Exception {
    String id = create(b -> b.name("leased")).id();
    UploadLeases leases = registry.leases();
    assertThat(leases.saving()).isEmpty();
    assertThat(registry.transition(id, ImageStatus.QUEUED, ImageStatus.SAVING)).isTrue();
    // Saving without a lease: judged by the image's own age.
    assertThat(leases.saving()).singleElement()
        .satisfies(l -> assertThat(l.holder()).isEmpty());
    leases.take(id, "host-a/1/2", Optional.of("local"));
    UploadLease seen = leases.saving().get(0);
    assertThat(seen.holder()).contains("host-a/1/2");
    assertThat(seen.storeId()).contains("local");

    // The holder renews: what another server saw before is stale, its requeue does nothing.
    Thread.sleep(5);
    leases.renewAll("host-a/1/2");
    assertThat(leases.requeue(seen)).isFalse();
    assertThat(registry.find(id).orElseThrow().status()).isEqualTo(ImageStatus.SAVING);

    // Two servers requeue what they both saw: exactly one succeeds.
    UploadLease now = leases.saving().get(0);
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      List<Future<Boolean>> results = two.invokeAll(
          List.<Callable<Boolean>>of(() -> leases.requeue(now), () -> leases.requeue(now)));
      int won = 0;
      for (Future<Boolean> r : results) {
        won += r.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      two.shutdownNow();
    }
    assertThat(registry.find(id).orElseThrow().status()).isEqualTo(ImageStatus.QUEUED);
    assertThat(leases.saving()).isEmpty();

    // A released lease leaves the image to the status machine; deleting the image drops it.
    assertThat(registry.transition(id, ImageStatus.QUEUED, ImageStatus.SAVING)).isTrue();
    leases.take(id, "host-b/3/4", Optional.empty());
    leases.release(id, "someone-else/5/6");
    assertThat(leases.saving().get(0).holder()).contains("host-b/3/4");
    leases.release(id, "host-b/3/4");
    assertThat(leases.saving().get(0).holder()).isEmpty();
    leases.take(id, "host-b/3/4", Optional.empty());
    assertThat(registry.delete(id)).isTrue();
    assertThat(leases.saving()).isEmpty();
    leases.take(id, "host-b/3/4", Optional.empty()); // the image is gone: ignored
    assertThat(leases.requeue(now)).isFalse();
  }
}
