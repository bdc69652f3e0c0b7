package io.stowage.filesystem;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Location;
import io.stowage.api.StorageFullException;
import io.stowage.api.store.Store;
import static io.stowage.filesystem.TestStores.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.tck.Mounts;
import io.stowage.tck.RequiredTools;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No room: ENOSPC on a small tmpfs, EFBIG under a file size limit. */
class FullDiskTest {
  @TempDir Path tmp;
  private final Mounts mounts = new Mounts();

  @AfterEach
  void unmount() throws Exception {
    mounts.close();
  }

  @Test
  void fullTmpfsIsStorageFullLeavesNothingAndRecoversWhenFreed() throws Exception {
    Path dir = mounts.tmpfs(tmp.resolve("small"), "4m");
    try (Store store = TestStores.open(dir)) {
      AddResult first = TestStores.add(store, "first", TestStores.random(3 << 20, 1));

      // Size unknown, so the write itself runs into ENOSPC.
      assertThatThrownBy(() -> TestStores.add(store, "second", TestStores.random(2 << 20, 2)))
          .isInstanceOf(StorageFullException.class)
          .hasMessageContaining("No space left on device");
      assertThat(entries(dir)).containsExactly("first");

      // Declared too large: refused before a byte is read.
      ByteArrayInputStream untouched = new ByteArrayInputStream(TestStores.random(2 << 20, 2));
      assertThatThrownBy(
              () -> store.add(AddRequest.of("second", untouched).withDeclaredSize(2 << 20)))
          .isInstanceOf(StorageFullException.class);
      assertThat(untouched.available()).isEqualTo(2 << 20);

      store.delete(first.location());
      byte[] data = TestStores.random(2 << 20, 2);
      AddResult second = TestStores.add(store, "second", data);
      assertThat(Files.readAllBytes(dir.resolve("second"))).isEqualTo(data);
      assertThat(entries(dir)).containsExactly("second");
      assertThat(store.size(Location.parse(second.location().uri().toString())))
          .isEqualTo(data.length);
    }
  }

  @Test
  void aStoreStartedOnAFullDiskWritesOnceThereIsRoom() throws Exception {
    Path dir = mounts.tmpfs(tmp.resolve("small"), "1m");
    Path filler = dir.resolve("filler");
    try (var out = Files.newOutputStream(filler)) {
      byte[] block = new byte[4096];
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (java.io.IOException full) {
      // The tmpfs is full now.
    }
    try (Store store = TestStores.open(dir)) {
      assertThatThrownBy(() -> TestStores.add(store, "img", TestStores.random(100_000, 1)))
          .isInstanceOf(StorageFullException.class);
      Files.delete(filler);
      assertThat(TestStores.add(store, "img", TestStores.random(100_000, 1)).size())
          .isEqualTo(100_000);
      assertThat(entries(dir)).containsExactly("img");
    }
  }

  @Test
  void fileSizeLimitIsStorageFull() throws Exception {
    RequiredTools.require("prlimit", "apt-get install util-linux");
    Path dir = tmp.resolve("images");
    ChildJvm.Result r =
        ChildJvm.run(
            List.of("prlimit", "--fsize=" + (2 << 20)), null,
            "add", dir.toString(), "big", Integer.toString(3 << 20));
    assertThat(r.stdout()).startsWith("ERR StorageFullException: ").contains("File too large");
    assertThat(entries(dir)).isEmpty();

    // Under the limit the same child succeeds.
    ChildJvm.Result ok =
        ChildJvm.run(
            List.of("prlimit", "--fsize=" + (2 << 20)), null,
            "add", dir.toString(), "big", Integer.toString(1 << 20));
    assertThat(ok.stdout()).isEqualTo("OK " + (1 << 20) + " " + ChildMain.md5Of(1 << 20));
    assertThat(entries(dir)).containsExactly("big");
  }
}
