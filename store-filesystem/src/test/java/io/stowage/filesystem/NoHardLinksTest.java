package io.stowage.filesystem;


import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.DuplicateException;
import io.stowage.api.store.Store;
import static io.stowage.filesystem.TestStores.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.tck.Mounts;
import io.stowage.tck.RequiredTools;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a file system without hard links (vfat) the commit falls back to a checked rename. */
class NoHardLinksTest {
  @TempDir Path tmp;
  private final Mounts mounts = new Mounts();

  @AfterEach
  void unmount() throws Exception {
    mounts.close();
  }

  @Test
  void addsCommitByRenameAndStillRefuseDuplicates() throws Exception {
    // A kernel feature, not a tool CI could install: skipped where the kernel lacks it (this
    // project's CI VMs do), with the reason.
    assumeTrue(Files.readString(Path.of("/proc/filesystems")).contains("\tvfat\n"),
        "the kernel cannot mount vfat (not in /proc/filesystems): no file system without hard links to test on");
    RequiredTools.require("mkfs.vfat", "apt-get install dosfstools");
    Path image = tmp.resolve("vfat.img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(16 << 20);
    }
    Process mkfs = new ProcessBuilder("mkfs.vfat", image.toString()).redirectErrorStream(true).start();
    mkfs.getInputStream().readAllBytes();
    assertThat(mkfs.waitFor()).isZero();
    Path dir = mounts.loop(image, tmp.resolve("vfat"));

    byte[] data = TestStores.random(3 << 20, 1);
    try (Store store = TestStores.open(dir)) {
      AddResult r = TestStores.add(store, "img", data);
      assertThat(TestStores.read(store, r.location(), ByteRange.ALL)).isEqualTo(data);
      assertThatThrownBy(() -> TestStores.add(store, "img", new byte[] {1}))
          .isInstanceOf(DuplicateException.class);
      assertThat(TestStores.read(store, r.location(), ByteRange.ALL)).isEqualTo(data);
      assertThat(entries(dir)).containsExactly("img");
    }
  }
}
