package io.stowage.filesystem;


import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.DataSize;
import io.stowage.api.store.Store;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThinProvisioningTest {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;

  /** Random 1 MiB, 5 MiB of zeros, random 1 MiB, zeros to the end (3 MiB): 10 MiB. */
  private static byte[] sparseImage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(TestStores.random(MIB, 1));
    out.writeBytes(new byte[5 * MIB]);
    out.writeBytes(TestStores.random(MIB, 2));
    out.writeBytes(new byte[3 * MIB]);
    return out.toByteArray();
  }

  /** Bytes the file system allocated to {@code file}, from stat(1). */
  private static long allocated(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
    String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
    assertThat(p.waitFor()).isZero();
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }

  private AddResult addTo(String name, boolean thin, byte[] data) {
    FilesystemConfig config =
        FilesystemConfig.ofDatadir(tmp.resolve(name).toString())
            .withThinProvisioning(thin)
            .withChunkSize(DataSize.parse("64KiB"));
    try (Store store = TestStores.open(config, tmp)) {
      AddResult r = TestStores.add(store, "img", data);
      assertThat(TestStores.read(store, r.location(), ByteRange.ALL)).isEqualTo(data);
      return r;
    }
  }

  @Test
  void zeroChunksBecomeHolesAndReadBackIdentical() throws Exception {
    byte[] data = sparseImage();
    AddResult thick = addTo("thick", false, data);
    AddResult thin = addTo("thin", true, data);

    Path thinFile = tmp.resolve("thin/img");
    Path thickFile = tmp.resolve("thick/img");
    assertThat(Files.size(thinFile)).isEqualTo(data.length);
    assertThat(Files.readAllBytes(thinFile)).isEqualTo(data);
    assertThat(thin.md5()).isEqualTo(thick.md5()).isEqualTo(TestStores.hex("MD5", data));
    assertThat(thin.multihash()).isEqualTo(thick.multihash());

    assertThat(allocated(thickFile)).isGreaterThanOrEqualTo(data.length);
    // Only the two random MiB need blocks (plus file system slack).
    assertThat(allocated(thinFile)).isLessThanOrEqualTo(2 * MIB + 64 * 1024);
  }

  @Test
  void allZeroImageTakesNoDataBlocks() throws Exception {
    byte[] zeros = new byte[4 * MIB + 123];
    addTo("thin", true, zeros);
    Path file = tmp.resolve("thin/img");
    assertThat(Files.size(file)).isEqualTo(zeros.length);
    assertThat(allocated(file)).isLessThanOrEqualTo(64 * 1024);
    assertThat(Files.readAllBytes(file)).isEqualTo(zeros);
  }

  @Test
  void chunksOnlyPartlyZeroAreWritten() throws Exception {
    byte[] data = new byte[2 * MIB];
    data[100_000] = 1; // the second 64 KiB chunk
    data[2 * MIB - 1] = 2; // the last chunk
    addTo("thin", true, data);
    Path file = tmp.resolve("thin/img");
    assertThat(Files.readAllBytes(file)).isEqualTo(data);
    assertThat(allocated(file)).isBetween(2 * 64 * 1024L, 4 * 64 * 1024L);
  }
}
