package io.stowage.app.disk;

import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.SafetyFinding;
import java.util.List;
import java.util.Optional;

/**
 * What the host found an image to be: of one format (raw when no format claimed it), damaged in
 * the format that claimed it, or claimed by several formats. Only a {@link Recognised} image has
 * a {@link DiskInfo}; the other two have no virtual size to report.
 */
public sealed interface Inspection {

  /** The format's name, if one format claimed the image (raw when none did). */
  Optional<String> format();

  /** What makes the image unsafe to accept; empty when it is safe. */
  List<SafetyFinding> safety();

  /** Whether nothing unsafe was found. */
  default boolean isSafe() {
    return safety().isEmpty();
  }

  /** A valid image of {@code info.format()}; {@code raw} with its size as virtual size when no format claimed it. */
  record Recognised(DiskInfo info) implements Inspection {
    @Override
    public Optional<String> format() {
      return Optional.of(info.format());
    }

    @Override
    public List<SafetyFinding> safety() {
      return info.safety();
    }
  }

  /** Claimed by {@code format}, whose checks it fails. */
  record Corrupt(String name, String reason) implements Inspection {
    @Override
    public Optional<String> format() {
      return Optional.of(name);
    }

    @Override
    public List<SafetyFinding> safety() {
      return List.of(new SafetyFinding("corruption", reason));
    }
  }

  /** Claimed by several formats: refused, as oslo's format inspector does (format confusion). */
  record Ambiguous(List<String> formats) implements Inspection {
    public Ambiguous {
      formats = List.copyOf(formats);
    }

    @Override
    public Optional<String> format() {
      return Optional.empty();
    }

    @Override
    public List<SafetyFinding> safety() {
      return List.of(new SafetyFinding("format_ambiguous",
          "the image looks like " + String.join(" and ", formats)));
    }
  }
}
