package io.stowage.vhdx;

import java.math.BigInteger;

/**
 * How large a VHDX's virtual disk can be for a given file size, once fully allocated: the
 * computation of the Hyper-V driver's {@code get_internal_vhd_size_by_file_size}, made exact.
 *
 * <p>A fully allocated VHDX is the header section (1 MiB), the log, the metadata region, the
 * BAT (rounded up to whole MiB) and the payload blocks; a differencing disk also holds one
 * 1 MiB sector-bitmap block per chunk. All methods are pure and thread-safe.
 */
public final class VhdxSizing {
  private static final long HEADER_SECTION = 1L << 20;
  private static final long ENTRY = 8;

  private VhdxSizing() {}

  /**
   * The original formula, {@code bs·cr·(size − hs − ls − ms − bes − bes/cr) / (bs·cr + bes·cr
   * + bes)} rounded down to a block, computed without overflow. It ignores the BAT's rounding
   * to 1 MiB and so may answer one block too many.
   *
   * @throws IllegalArgumentException a block or sector size VHDX does not allow
   */
  public static long seedEstimate(
      long fileSize, long blockSize, int logicalSectorSize, long logSize, long metadataSize) {
    long cr = chunkRatio(blockSize, logicalSectorSize);
    BigInteger bs = BigInteger.valueOf(blockSize);
    BigInteger bscr = bs.multiply(BigInteger.valueOf(cr));
    BigInteger avail =
        BigInteger.valueOf(fileSize)
            .subtract(BigInteger.valueOf(HEADER_SECTION))
            .subtract(BigInteger.valueOf(logSize))
            .subtract(BigInteger.valueOf(metadataSize))
            .subtract(BigInteger.valueOf(ENTRY))
            .subtract(BigInteger.valueOf(ENTRY / cr));
    if (avail.signum() <= 0) {
      return 0;
    }
    BigInteger den = bscr.add(BigInteger.valueOf(ENTRY * cr)).add(BigInteger.valueOf(ENTRY));
    BigInteger v = bscr.multiply(avail).divide(den);
    return v.subtract(v.mod(bs)).longValueExact();
  }

  /**
   * The largest virtual size, a whole number of blocks and at most 64 TiB, whose fully
   * allocated file fits in {@code fileSize} bytes; 0 if not even an empty disk fits.
   *
   * @throws IllegalArgumentException a block or sector size VHDX does not allow
   */
  public static long maxVirtualSize(
      long fileSize,
      long blockSize,
      int logicalSectorSize,
      long logSize,
      long metadataSize,
      boolean differencing) {
    chunkRatio(blockSize, logicalSectorSize);
    long max = VhdxLayout.MAX_VIRTUAL_SIZE - VhdxLayout.MAX_VIRTUAL_SIZE % blockSize;
    // The seed's answer is within a block of the truth for non-differencing disks; a
    // differencing disk's sector bitmaps cost about 1/cr more, covered by the same search.
    long v = Math.min(max, seedEstimate(fileSize, blockSize, logicalSectorSize, logSize,
        metadataSize) + 2 * blockSize);
    while (v > 0
        && fileSizeFor(v, blockSize, logicalSectorSize, logSize, metadataSize, differencing)
            .compareTo(BigInteger.valueOf(fileSize))
            > 0) {
      v -= blockSize;
    }
    return Math.max(v, 0);
  }

  /** The size of a fully allocated file of {@code virtualSize} bytes. */
  public static BigInteger fileSizeFor(
      long virtualSize,
      long blockSize,
      int logicalSectorSize,
      long logSize,
      long metadataSize,
      boolean differencing) {
    long cr = chunkRatio(blockSize, logicalSectorSize);
    long entries =
        VhdxLayout.batEntries(virtualSize, blockSize, logicalSectorSize, differencing);
    long bitmaps =
        differencing ? VhdxLayout.ceilDiv(VhdxLayout.ceilDiv(virtualSize, blockSize), cr) : 0;
    long blocks = VhdxLayout.ceilDiv(virtualSize, blockSize);
    return BigInteger.valueOf(HEADER_SECTION)
        .add(BigInteger.valueOf(logSize))
        .add(BigInteger.valueOf(metadataSize))
        .add(BigInteger.valueOf(VhdxLayout.roundUp(entries * ENTRY, HEADER_SECTION)))
        .add(BigInteger.valueOf(blocks).multiply(BigInteger.valueOf(blockSize)))
        .add(BigInteger.valueOf(bitmaps).multiply(BigInteger.valueOf(HEADER_SECTION)));
  }

  private static long chunkRatio(long blockSize, int logicalSectorSize) {
    if (blockSize < (1 << 20) || blockSize > (256 << 20) || Long.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException(
          "block size " + blockSize + " is not a power of two from 1 MiB to 256 MiB");
    }
    if (logicalSectorSize != 512 && logicalSectorSize != 4096) {
      throw new IllegalArgumentException(
          "logical sector size " + logicalSectorSize + " is not 512 or 4096");
    }
    return VhdxLayout.chunkRatio(logicalSectorSize, blockSize);
  }
}
