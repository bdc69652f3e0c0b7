package io.stowage.api.disk;


import io.stowage.api.InvalidRequestException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What {@link DiskFormat#create} makes. Build one with {@link #dynamic}, {@link #fixed} or
 * {@link #differencing} and the {@code with...} methods. An empty optional means "the format's
 * default" (for a differencing disk: the parent's value). Whether a combination is possible is
 * the format's to decide ({@link InvalidRequestException} from {@code create}); this record only
 * refuses values no format accepts.
 *
 * @param virtualSize the guest-visible size in bytes; for a differencing disk, 0 takes the
 *     parent's
 * @param blockSize the allocation unit, or empty for the format's default for this size
 * @param logicalSectorSize the sector size the guest sees (512 or 4096), or empty for 512 (for a
 *     differencing disk: the parent's)
 * @param physicalSectorSize the sector size the guest is told the device writes atomically
 *     (512 or 4096), or empty for the format's default
 * @param logSize the size of the metadata log of formats that have one (VHDX), or empty for the
 *     format's default
 * @param fixed whether every block is allocated up front
 * @param parent the parent image of a differencing disk, or empty
 */
public record DiskSpec(
    long virtualSize,
    OptionalLong blockSize,
    OptionalInt logicalSectorSize,
    OptionalInt physicalSectorSize,
    OptionalLong logSize,
    boolean fixed,
    Optional<Path> parent) {

  /** @throws InvalidRequestException a size is negative, or a differencing disk is fixed */
  public DiskSpec {
    Objects.requireNonNull(blockSize, "blockSize");
    Objects.requireNonNull(logicalSectorSize, "logicalSectorSize");
    Objects.requireNonNull(physicalSectorSize, "physicalSectorSize");
    Objects.requireNonNull(logSize, "logSize");
    Objects.requireNonNull(parent, "parent");
    if (virtualSize < 0) {
      throw new InvalidRequestException("virtual size " + virtualSize + " is negative");
    }
    positive(blockSize, "block size");
    positive(logSize, "log size");
    if (logicalSectorSize.isPresent() && logicalSectorSize.getAsInt() <= 0
        || physicalSectorSize.isPresent() && physicalSectorSize.getAsInt() <= 0) {
      throw new InvalidRequestException("sector sizes are positive");
    }
    if (fixed && parent.isPresent()) {
      throw new InvalidRequestException("a differencing disk cannot be fixed");
    }
  }

  private static void positive(OptionalLong v, String what) {
    if (v.isPresent() && v.getAsLong() <= 0) {
      throw new InvalidRequestException(what + " " + v.getAsLong() + " is not positive");
    }
  }

  /** A dynamic (sparse) disk of {@code virtualSize} bytes with the format's defaults. */
  public static DiskSpec dynamic(long virtualSize) {
    return new DiskSpec(virtualSize, OptionalLong.empty(), OptionalInt.empty(),
        OptionalInt.empty(), OptionalLong.empty(), false, Optional.empty());
  }

  /** A fixed (fully allocated) disk of {@code virtualSize} bytes with the format's defaults. */
  public static DiskSpec fixed(long virtualSize) {
    return dynamic(virtualSize).withFixed(true);
  }

  /** A differencing disk over {@code parent}, of the parent's size and sector size. */
  public static DiskSpec differencing(Path parent) {
    return dynamic(0).withParent(parent);
  }

  public DiskSpec withBlockSize(long bytes) {
    return new DiskSpec(virtualSize, OptionalLong.of(bytes), logicalSectorSize,
        physicalSectorSize, logSize, fixed, parent);
  }

  public DiskSpec withLogicalSectorSize(int bytes) {
    return new DiskSpec(virtualSize, blockSize, OptionalInt.of(bytes), physicalSectorSize,
        logSize, fixed, parent);
  }

  public DiskSpec withPhysicalSectorSize(int bytes) {
    return new DiskSpec(virtualSize, blockSize, logicalSectorSize, OptionalInt.of(bytes),
        logSize, fixed, parent);
  }

  public DiskSpec withLogSize(long bytes) {
    return new DiskSpec(virtualSize, blockSize, logicalSectorSize, physicalSectorSize,
        OptionalLong.of(bytes), fixed, parent);
  }

  public DiskSpec withFixed(boolean allocated) {
    return new DiskSpec(virtualSize, blockSize, logicalSectorSize, physicalSectorSize, logSize,
        allocated, parent);
  }

  public DiskSpec withParent(Path image) {
    return new DiskSpec(virtualSize, blockSize, logicalSectorSize, physicalSectorSize, logSize,
        fixed, Optional.of(image));
  }
}
