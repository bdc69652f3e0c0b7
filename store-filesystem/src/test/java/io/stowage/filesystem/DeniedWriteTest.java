package io.stowage.filesystem;


import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Store;
import io.stowage.api.WriteDeniedException;
import static io.stowage.filesystem.TestStores.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.tck.Mounts;
import io.stowage.tck.RequiredTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes the file system refuses: another user's folder, a read-only mount. */
class DeniedWriteTest {
  private static final List<String> AS_NOBODY =
      List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");

  @TempDir Path tmp;
  private final Mounts mounts = new Mounts();

  @AfterEach
  void unmount() throws Exception {
    mounts.close();
  }

  @Test
  void aFolderNobodyCannotWriteRefusesAddsButServesReads() throws Exception {
    RequiredTools.require("setpriv", "apt-get install util-linux");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch to nobody");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path dir = tmp.resolve("images");
    try (Store store = TestStores.open(dir)) {
      TestStores.add(store, "mine", TestStores.random(1 << 20, 1 << 20));
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cp = tmp.resolve("classpath");

    ChildJvm.Result add =
        ChildJvm.run(AS_NOBODY, cp, "add", dir.toString(), "theirs", "1000");
    assertThat(add.stdout())
        .startsWith("ERR WriteDeniedException: ")
        .contains(dir.toString())
        .contains("not writable: Permission denied");
    ChildJvm.Result read = ChildJvm.run(AS_NOBODY, cp, "md5", dir.toString(), "mine");
    assertThat(read.stdout()).isEqualTo("OK " + ChildMain.md5Of(1 << 20));
    assertThat(entries(dir)).containsExactly("mine");

    // A folder it cannot even create: same refusal, with the reason.
    Path uncreatable = dir.resolve("sub");
    ChildJvm.Result create =
        ChildJvm.run(AS_NOBODY, cp, "add", uncreatable.toString(), "x", "10");
    assertThat(create.stdout())
        .startsWith("ERR WriteDeniedException: ")
        .contains("cannot be created")
        .contains("Permission denied");
    assertThat(entries(dir)).containsExactly("mine");
  }

  @Test
  void aReadOnlyMountRefusesAddsAndDeletesButServesReads() throws Exception {
    Path source = tmp.resolve("source");
    Files.createDirectories(source);
    Path dir = mounts.bind(source, tmp.resolve("images"));
    AddResult existing;
    try (Store store = TestStores.open(dir)) {
      existing = TestStores.add(store, "mine", TestStores.random(1000, 1));
    }
    mounts.setReadOnly(dir, true);
    try (Store store = TestStores.open(dir)) {
      assertThat(store.capabilities()).as("what `stores` lists for a store that refuses writes")
          .containsExactlyInAnyOrder(io.stowage.api.store.Capability.READ,
              io.stowage.api.store.Capability.RANGED_READ);
      assertThatThrownBy(() -> TestStores.add(store, "x", new byte[10]))
          .isInstanceOf(WriteDeniedException.class)
          .hasMessageContaining("not writable: Read-only file system");
      assertThat(TestStores.read(store, existing.location(), ByteRange.ALL))
          .isEqualTo(TestStores.random(1000, 1));
      assertThatThrownBy(() -> store.delete(existing.location()))
          .isInstanceOf(WriteDeniedException.class);
    }
    assertThat(entries(source)).containsExactly("mine");
  }

  @Test
  void aMountTurnedReadOnlyAfterStartIsWriteDenied() throws Exception {
    Path source = tmp.resolve("source");
    Files.createDirectories(source);
    Path dir = mounts.bind(source, tmp.resolve("images"));
    try (Store store = TestStores.open(dir)) {
      mounts.setReadOnly(dir, true);
      assertThatThrownBy(() -> TestStores.add(store, "x", new byte[10]))
          .isInstanceOf(WriteDeniedException.class)
          .hasMessageContaining("Read-only file system");
      assertThat(entries(source)).isEmpty();
      mounts.setReadOnly(dir, false);
      TestStores.add(store, "x", new byte[10]);
      assertThat(entries(source)).containsExactly("x");
    }
  }
}
