package io.stowage.api.disk;


import java.util.List;
import java.util.Map;

/**
 * What inspecting a disk image found.
 *
 * @param format the format's name, as {@link DiskFormat#name()}
 * @param virtualSize the size of the disk the guest sees, in bytes
 * @param details format-specific facts (block size, disk id, ...), JSON-friendly values:
 *     strings, numbers, booleans, lists and maps of those
 * @param safety what makes the image unsafe; empty when it is safe to accept
 */
public record DiskInfo(
    String format, long virtualSize, Map<String, Object> details, List<SafetyFinding> safety) {
  public DiskInfo {
    details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    safety = List.copyOf(safety);
  }

  /** Whether no safety finding was made. */
  public boolean isSafe() {
    return safety.isEmpty();
  }
}
