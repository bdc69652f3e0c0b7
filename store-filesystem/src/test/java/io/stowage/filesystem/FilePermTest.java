package io.stowage.filesystem;


import io.stowage.api.store.Store;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePermTest {
  @TempDir Path tmp;

  private String modesAfterAdd(int filePerm) throws Exception {
    Path dir = tmp.resolve("d" + filePerm);
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try (Store store =
        TestStores.open(FilesystemConfig.ofDatadir(dir.toString()).withFilePerm(filePerm), tmp)) {
      TestStores.add(store, "img", new byte[] {1, 2, 3});
    }
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("img")))
        + " "
        + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
  }

  @Test
  void permissionIsAppliedAndTheFolderOpenedToWhoMayRead() throws Exception {
    assertThat(modesAfterAdd(640)).isEqualTo("rw-r----- rwx--x---");
    assertThat(modesAfterAdd(644)).isEqualTo("rw-r--r-- rwx--x--x");
    assertThat(modesAfterAdd(604)).isEqualTo("rw----r-- rwx-----x");
    assertThat(modesAfterAdd(600)).isEqualTo("rw------- rwx------");
    assertThat(modesAfterAdd(400)).isEqualTo("r-------- rwx------");
  }

  @Test
  void zeroLeavesTheUmaskMode() throws Exception {
    Path dir = tmp.resolve("d");
    try (Store store = TestStores.open(dir)) {
      TestStores.add(store, "a", new byte[] {1});
    }
    Path probe = Files.createFile(tmp.resolve("probe"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("a")))
        .isEqualTo(Files.getPosixFilePermissions(probe));
  }
}
