package io.stowage.api.disk;


import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link DiskFormat#create} makes.
 *
 * @param virtualSize the guest-visible size in bytes (for a differencing disk, 0 takes the
 *     parent's)
 * @param blockSize the block size, or empty for the format's default for this size
 * @param logicalSectorSize 512 or 4096
 * @param fixed whether every block is allocated up front
 * @param parent the parent image of a differencing disk
 * @param options further format-specific options (for example {@code log_size})
 */
public record DiskSpec(
    long virtualSize,
    OptionalLong blockSize,
    int logicalSectorSize,
    boolean fixed,
    Optional<Path> parent,
    Map<String, String> options) {
  public DiskSpec {
    options = Map.copyOf(options);
  }

  /** A dynamic disk of {@code virtualSize} bytes with default settings. */
  public static DiskSpec dynamic(long virtualSize) {
    return new DiskSpec(virtualSize, OptionalLong.empty(), 512, false, Optional.empty(), Map.of());
  }
}
