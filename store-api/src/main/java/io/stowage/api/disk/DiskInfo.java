package io.stowage.api.disk;


import java.util.List;
import java.util.Map;

/**
 * What inspecting a disk image found.
 *
 * <p>Only a valid image has one: a damaged image is {@link io.stowage.api.InvalidImageDataException},
 * never a {@code DiskInfo} with an unknown size or format.
 *
 * @param format the format's name, as {@link DiskFormat#name()} ({@code raw} for data no format
 *     claims)
 * @param virtualSize the size of the disk the guest sees, in bytes; never negative
 * @param details format-specific facts (block size, disk id, ...), JSON-friendly values:
 *     strings, numbers, booleans, lists and maps of those
 * @param safety what makes the image unsafe; empty when it is safe to accept
 */
public record DiskInfo(
    String format, long virtualSize, Map<String, Object> details, List<SafetyFinding> safety) {
  /** @throws io.stowage.api.InvalidRequestException a blank format or a negative virtual size */
  public DiskInfo {
    if (format == null || format.isBlank()) {
      throw new io.stowage.api.InvalidRequestException("a disk format needs a name");
    }
    if (virtualSize < 0) {
      throw new io.stowage.api.InvalidRequestException(
          "virtual size " + virtualSize + " of a " + format + " image is negative");
    }
    details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    safety = List.copyOf(safety);
  }

  /** Whether no safety finding was made. */
  public boolean isSafe() {
    return safety.isEmpty();
  }
}
