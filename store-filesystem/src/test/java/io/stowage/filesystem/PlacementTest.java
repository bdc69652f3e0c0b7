package io.stowage.filesystem;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.StorageFullException;
import io.stowage.api.store.Store;
import static io.stowage.filesystem.TestStores.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.tck.Mounts;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementTest {
  @TempDir Path tmp;
  private final Mounts mounts = new Mounts();

  @AfterEach
  void unmount() throws Exception {
    mounts.close();
  }

  private static Datadir dir(String name, long priority) {
    return new Datadir(Path.of("/" + name), priority, name);
  }

  @Test
  void highestPriorityThenMostFreeSpaceThatFits() {
    List<Datadir> dirs = List.of(dir("a", 1), dir("b", 1), dir("c", 5), dir("d", 5));
    Map<String, Long> free = Map.of("/a", 500L, "/b", 900L, "/c", 100L, "/d", 300L);
    Placement.FreeSpace space = p -> free.get(p.toString());

    assertThat(Placement.choose(dirs, 0, space).path()).isEqualTo(Path.of("/d"));
    assertThat(Placement.choose(dirs, 300, space).path()).isEqualTo(Path.of("/d"));
    assertThat(Placement.choose(dirs, 301, space).path()).isEqualTo(Path.of("/b"));
    assertThat(Placement.choose(dirs, 900, space).path()).isEqualTo(Path.of("/b"));
    assertThatThrownBy(() -> Placement.choose(dirs, 901, space))
        .isInstanceOf(StorageFullException.class)
        .hasMessageContaining("901")
        .hasMessageContaining("900");
  }

  @Test
  void aFolderWhoseSpaceCannotBeReadIsPassedOver() {
    List<Datadir> dirs = List.of(dir("a", 9), dir("b", 1));
    Placement.FreeSpace space =
        p -> {
          if (p.toString().equals("/a")) {
            throw new java.io.IOException("gone");
          }
          return 10;
        };
    assertThat(Placement.choose(dirs, 5, space).path()).isEqualTo(Path.of("/b"));
  }

  @Test
  void realFileSystemsOfDifferentSizes() throws Exception {
    Path small = mounts.tmpfs(tmp.resolve("small"), "4m");
    Path mid = mounts.tmpfs(tmp.resolve("mid"), "8m");
    Path big = mounts.tmpfs(tmp.resolve("big"), "16m");
    FilesystemConfig config =
        FilesystemConfig.ofDatadirs(List.of(mid + ":10", big + ":10", small + ":20"));
    try (Store store = TestStores.open(config, tmp)) {
      assertThat(addOf(store, "one", 1 << 20).location().uri().getPath())
          .isEqualTo(small.resolve("one").toString());
      assertThat(addOf(store, "six", 6 << 20).location().uri().getPath())
          .isEqualTo(big.resolve("six").toString());
      // big now has about 10 MiB free, mid 8 MiB: equal priority goes to the emptier one.
      assertThat(addOf(store, "nine", 9 << 20).location().uri().getPath())
          .isEqualTo(big.resolve("nine").toString());
      assertThat(addOf(store, "five", 5 << 20).location().uri().getPath())
          .isEqualTo(mid.resolve("five").toString());

      ByteArrayInputStream untouched = new ByteArrayInputStream(new byte[100]);
      assertThatThrownBy(
              () -> store.add(AddRequest.of("huge", untouched).withDeclaredSize(12 << 20)))
          .isInstanceOf(StorageFullException.class);
      assertThat(untouched.available()).as("no byte read before refusing").isEqualTo(100);
      assertThat(entries(small)).containsExactly("one");
      assertThat(entries(mid)).containsExactly("five");
      assertThat(entries(big)).containsExactly("nine", "six");
    }
  }

  private static AddResult addOf(Store store, String id, int size) {
    return store.add(
        AddRequest.of(id, new ByteArrayInputStream(TestStores.random(size, size)))
            .withDeclaredSize(size));
  }
}
