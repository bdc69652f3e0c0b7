package io.stowage.filesystem;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DuplicateException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Store;
import io.stowage.api.UnavailableException;
import static io.stowage.filesystem.TestStores.add;
import static io.stowage.filesystem.TestStores.entries;
import static io.stowage.filesystem.TestStores.hex;
import static io.stowage.filesystem.TestStores.random;
import static io.stowage.filesystem.TestStores.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemStoreTest {
  @TempDir Path tmp;

  @Test
  void addsReadsSizesAndDeletes() throws Exception {
    Path dir = tmp.resolve("images");
    byte[] data = random(3 * 1024 * 1024 + 17, 1);
    try (Store store = TestStores.open(dir)) {
      AddResult r = add(store, "img-1", data);

      assertThat(r.size()).isEqualTo(data.length);
      assertThat(r.md5()).isEqualTo(hex("MD5", data));
      assertThat(r.multihash().algorithm()).isEqualTo(HashAlgorithm.SHA512);
      assertThat(r.multihash().value()).isEqualTo(hex("SHA-512", data));
      assertThat(r.location().uri().toString()).isEqualTo("file://" + dir.resolve("img-1"));
      assertThat(r.location().storeId()).contains("fs");
      assertThat(Files.readAllBytes(dir.resolve("img-1"))).isEqualTo(data);
      assertThat(entries(dir)).containsExactly("img-1");

      assertThat(read(store, r.location(), ByteRange.ALL)).isEqualTo(data);
      assertThat(store.size(r.location())).isEqualTo(data.length);

      store.delete(r.location());
      assertThat(entries(dir)).isEmpty();
      assertThatThrownBy(() -> store.size(r.location())).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> store.get(r.location(), ByteRange.ALL))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> store.delete(r.location())).isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void declaresSchemesAndCapabilities() {
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      assertThat(store.schemes()).containsExactlyInAnyOrder("file", "filesystem");
      assertThat(store.capabilities())
          .containsExactlyInAnyOrder(
              Capability.READ, Capability.RANGED_READ, Capability.WRITE, Capability.DELETE);
      assertThat(new FilesystemStoreProvider().type()).isEqualTo("filesystem");
    }
  }

  @Test
  void hashesWithTheRequestedAlgorithm() {
    byte[] data = random(5_000_000, 2);
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      AddResult r =
          store.add(
              AddRequest.of("x", new ByteArrayInputStream(data))
                  .withHashAlgorithm(HashAlgorithm.of("sha3_256")));
      assertThat(r.multihash().value()).isEqualTo(hex("SHA3-256", data));
      assertThat(r.md5()).isEqualTo(hex("MD5", data));
    }
  }

  @Test
  void emptyImage() {
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      AddResult r = add(store, "empty", new byte[0]);
      assertThat(r.size()).isZero();
      assertThat(r.md5()).isEqualTo(hex("MD5", new byte[0]));
      assertThat(read(store, r.location(), ByteRange.ALL)).isEmpty();
    }
  }

  @Test
  void secondAddOfAnIdIsDuplicateAndKeepsTheFirst() throws Exception {
    Path dir = tmp.resolve("d");
    byte[] first = random(1000, 3);
    try (Store store = TestStores.open(dir)) {
      add(store, "same", first);
      assertThatThrownBy(() -> add(store, "same", random(2000, 4)))
          .isInstanceOf(DuplicateException.class);
      assertThat(Files.readAllBytes(dir.resolve("same"))).isEqualTo(first);
      assertThat(entries(dir)).containsExactly("same");
    }
  }

  @Test
  void filesystemSchemeReadsTheSameFile() {
    byte[] data = random(10_000, 5);
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      AddResult r = add(store, "id", data);
      Location other =
          new Location(
              java.net.URI.create(r.location().uri().toString().replaceFirst("^file:", "filesystem:")),
              Optional.empty(),
              Map.of());
      assertThat(read(store, other, ByteRange.ALL)).isEqualTo(data);
    }
  }

  @Test
  void aClosedStoreRefusesAddsAndLeavesNothing() throws Exception {
    Path dir = tmp.resolve("d");
    Store store = TestStores.open(dir);
    store.close();
    assertThatThrownBy(() -> add(store, "late", random(10, 1)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("closed");
    assertThat(entries(dir)).isEmpty();
  }

  @Test
  void withoutDurabilityAddsAreStillCompleteAndLeaveNoTemporaryFile() throws Exception {
    Path dir = tmp.resolve("d");
    byte[] data = random(3_000_000, 8);
    try (Store store =
        TestStores.open(FilesystemConfig.ofDatadir(dir.toString()).withDurable(false), tmp)) {
      AddResult r = add(store, "img", data);
      assertThat(read(store, r.location(), ByteRange.ALL)).isEqualTo(data);
      assertThat(entries(dir)).containsExactly("img");
      store.delete(r.location());
      assertThat(entries(dir)).isEmpty();
    }
  }
}
