package io.stowage.vhdx;

import java.util.Optional;

/**
 * A VHDX file's validated structure: current header, regions, metadata. Everything here was
 * bounds-checked against the file by {@link VhdxParser}.
 *
 * @param headerIndex which header (0 or 1) is current
 * @param metadataItems where the metadata items sit, for rewriting them in place
 */
record VhdxLayout(
    long fileSize,
    VhdxHeader header,
    int headerIndex,
    long batOffset,
    long batLength,
    long metadataOffset,
    long metadataLength,
    long blockSize,
    boolean leaveBlocksAllocated,
    boolean hasParent,
    long virtualSize,
    Guid diskId,
    int logicalSectorSize,
    int physicalSectorSize,
    Optional<ParentLocator> parentLocator,
    java.util.Map<Guid, ItemPlace> metadataItems,
    int metadataEntryCount) {

  static final long MIB = 1 << 20;
  static final long HEADER_SECTION = MIB;
  static final long MAX_VIRTUAL_SIZE = 64L << 40;
  static final long REGION_TABLE_SIZE = 64 * 1024;
  static final long[] REGION_TABLE_OFFSETS = {192 * 1024, 256 * 1024};
  static final Guid BAT_REGION = Guid.of("2DC27766-F623-4200-9D64-115E9BFD4A08");
  static final Guid METADATA_REGION = Guid.of("8B7CA206-4790-4B9A-B8FE-575F050F886E");
  static final Guid FILE_PARAMETERS = Guid.of("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  static final Guid VIRTUAL_DISK_SIZE = Guid.of("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
  static final Guid VIRTUAL_DISK_ID = Guid.of("BECA12AB-B2E6-4523-93EF-C309E000C746");
  static final Guid LOGICAL_SECTOR_SIZE = Guid.of("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
  static final Guid PHYSICAL_SECTOR_SIZE = Guid.of("CDA348C7-445D-4471-9CC9-E9885251C556");
  static final Guid PARENT_LOCATOR = Guid.of("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

  /** A metadata item's table entry index, offset (relative to the region) and length. */
  record ItemPlace(int index, long offset, long length, int flags) {}

  /** Sector-bitmap chunk ratio: payload blocks described by one sector-bitmap block. */
  long chunkRatio() {
    return chunkRatio(logicalSectorSize, blockSize);
  }

  static long chunkRatio(int logicalSectorSize, long blockSize) {
    return (1L << 23) * logicalSectorSize / blockSize;
  }

  /** Payload blocks covering the virtual size. */
  long dataBlocks() {
    return ceilDiv(virtualSize, blockSize);
  }

  long batEntries() {
    return batEntries(virtualSize, blockSize, logicalSectorSize, hasParent);
  }

  static long batEntries(long virtualSize, long blockSize, int logicalSectorSize, boolean diff) {
    long n = ceilDiv(virtualSize, blockSize);
    long cr = chunkRatio(logicalSectorSize, blockSize);
    if (diff) {
      return ceilDiv(n, cr) * (cr + 1);
    }
    return n == 0 ? 0 : n + (n - 1) / cr;
  }

  /** BAT index of payload block {@code b}. */
  long payloadIndex(long b) {
    return b + b / chunkRatio();
  }

  /** BAT index of the sector-bitmap entry of chunk {@code c}. */
  long bitmapIndex(long c) {
    long cr = chunkRatio();
    return c * (cr + 1) + cr;
  }

  static long ceilDiv(long a, long b) {
    return a / b + (a % b == 0 ? 0 : 1);
  }

  static long roundUp(long a, long unit) {
    return ceilDiv(a, unit) * unit;
  }
}
