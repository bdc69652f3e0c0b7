package io.stowage.vhdx;


import io.stowage.api.disk.DiskSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The seed's file-size → virtual-size computation, checked against real fixed files. */
class VhdxSizingTest {
  private static final long MIB = 1 << 20;
  @TempDir Path dir;

  @ParameterizedTest(name = "file {0}, block {1}")
  @CsvSource({"100000000, 1048576", "73400320, 1048576", "268435456, 2097152",
      "67108864, 8388608", "150000000, 33554432"})
  void largestFixedDiskFitsAndOneBlockMoreDoesNot(long fileSize, long bs) throws IOException {
    long v = VhdxSizing.maxVirtualSize(fileSize, bs, 512, MIB, MIB, false);
    assertThat(v % bs).isZero();
    assertThat(v).isPositive();
    assertThat(fixedFileSize(v, bs)).isLessThanOrEqualTo(fileSize);
    assertThat(fixedFileSize(v + bs, bs)).isGreaterThan(fileSize);
  }

  private long fixedFileSize(long v, long bs) throws IOException {
    Path f = dir.resolve("f" + v + ".vhdx");
    new VhdxFormat().create(f, DiskSpec.fixed(v).withBlockSize(bs));
    long size = Files.size(f);
    Files.delete(f);
    return size;
  }

  /** Counts by brute force: every whole-block size up to the file size. */
  private static long bruteForce(long fileSize, long bs, int lss, boolean diff) {
    long cr = (1L << 23) * lss / bs;
    long best = 0;
    for (long n = 1; n * bs <= fileSize; n++) {
      long entries = diff ? (n + cr - 1) / cr * (cr + 1) : n + (n - 1) / cr;
      long bat = (entries * 8 + MIB - 1) / MIB * MIB;
      long bitmaps = diff ? (n + cr - 1) / cr * MIB : 0;
      if (MIB + MIB + MIB + bat + n * bs + bitmaps <= fileSize) {
        best = n * bs;
      }
    }
    return best;
  }

  @Test
  void matchesBruteForceAndShowsTheSeedsOffByOne() {
    int seedTooBig = 0;
    for (long size = 4 * MIB; size < 3000 * MIB; size += 7 * MIB + 12345) {
      for (boolean diff : new boolean[] {false, true}) {
        long exact = VhdxSizing.maxVirtualSize(size, MIB, 512, MIB, MIB, diff);
        assertThat(exact).as("file %d diff %s", size, diff)
            .isEqualTo(bruteForce(size, MIB, 512, diff));
      }
      long exact = VhdxSizing.maxVirtualSize(size, MIB, 512, MIB, MIB, false);
      long seed = VhdxSizing.seedEstimate(size, MIB, 512, MIB, MIB);
      assertThat(seed).isBetween(exact, exact + MIB);
      if (seed > exact) {
        seedTooBig++;
      }
    }
    assertThat(seedTooBig).isPositive();
  }

  @Test
  void hugeInputsDoNotOverflow() {
    assertThat(VhdxSizing.maxVirtualSize(Long.MAX_VALUE, 256 * MIB, 4096, MIB, MIB, false))
        .isEqualTo(64L << 40);
    assertThat(VhdxSizing.seedEstimate(Long.MAX_VALUE, 256 * MIB, 4096, MIB, MIB))
        .isPositive();
    assertThat(VhdxSizing.maxVirtualSize(2 * MIB, MIB, 512, MIB, MIB, false)).isZero();
    assertThatThrownBy(() -> VhdxSizing.maxVirtualSize(1L << 30, 3 * MIB, 512, MIB, MIB, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
