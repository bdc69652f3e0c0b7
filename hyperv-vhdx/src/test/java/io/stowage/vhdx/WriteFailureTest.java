package io.stowage.vhdx;


import io.stowage.api.disk.DiskSpec;
import io.stowage.api.StorageFullException;
import io.stowage.api.WriteDeniedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import io.stowage.tck.Mounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating on a full or read-only file system fails cleanly and leaves nothing behind. */
class WriteFailureTest {
  @TempDir Path dir;
  private final Mounts mounts = new Mounts();

  private Path mount(String options) throws IOException, InterruptedException {
    return mounts.mount("tmpfs", options, dir.resolve("mnt"));
  }

  @AfterEach
  void unmount() throws IOException {
    mounts.close();
  }

  @Test
  void fullDisk() throws Exception {
    Path m = mount("size=4m");
    Path f = m.resolve("big.vhdx");
    DiskSpec fixed = DiskSpec.fixed(64 << 20).withLogSize(8 << 20);
    assertThatThrownBy(() -> new VhdxFormat().create(f, fixed))
        .isInstanceOf(StorageFullException.class).hasMessageContaining("full");
    try (var s = Files.list(m)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void readOnlyFileSystem() throws Exception {
    Path m = mount("size=4m,ro");
    assertThatThrownBy(() -> new VhdxFormat().create(m.resolve("x.vhdx"),
        DiskSpec.dynamic(1 << 30))).isInstanceOf(WriteDeniedException.class);
    try (var s = Files.list(m)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void resizeOfAReadOnlyFileIsRefused() throws Exception {
    Path f = dir.resolve("r.vhdx");
    new VhdxFormat().create(f, DiskSpec.dynamic(64 << 20));
    Path m = mount("size=16m");
    Path g = m.resolve("r.vhdx");
    Files.copy(f, g);
    Tools.ok("mount", "-o", "remount,ro", m.toString());
    assertThatThrownBy(() -> new VhdxFormat().resize(g, 1L << 30))
        .isInstanceOf(WriteDeniedException.class);
  }
}
