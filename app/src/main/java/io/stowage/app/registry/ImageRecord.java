package io.stowage.app.registry;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.Location;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One image as the registry holds it. Absent values are empty optionals, never null. Tags and
 * properties are copied into sorted, unmodifiable collections.
 *
 * <p>Change a record for {@link ImageRegistry#update} with the {@code with...} methods; the
 * registry itself sets {@code status} (through {@link ImageRegistry#transition} and
 * {@link ImageRegistry#activate}), {@code id}, {@code createdAt} and {@code updatedAt}.
 *
 * @param checksum md5 of the data, lowercase hex
 * @param osHashAlgo the multihash algorithm ({@code sha512})
 * @param osHashValue the multihash, lowercase hex
 * @param minDisk GiB of disk the image needs to boot
 * @param minRam MiB of memory the image needs to boot
 * @param osHidden whether the image is left out of default listings
 * @param properties extra properties, by name (Glance's additional properties)
 * @param locations where the data lives, first location first
 */
public record ImageRecord(
    String id,
    Optional<String> name,
    ImageStatus status,
    OptionalLong size,
    OptionalLong virtualSize,
    Optional<String> diskFormat,
    Optional<String> containerFormat,
    Optional<String> checksum,
    Optional<String> osHashAlgo,
    Optional<String> osHashValue,
    int minDisk,
    int minRam,
    boolean isProtected,
    boolean osHidden,
    Visibility visibility,
    Optional<String> owner,
    Set<String> tags,
    Map<String, String> properties,
    List<Location> locations,
    Instant createdAt,
    Instant updatedAt) {

  /** Longest name, tag, property name, owner or format the registry stores (Glance's). */
  public static final int MAX_TEXT = 255;

  public ImageRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(virtualSize, "virtualSize");
    Objects.requireNonNull(diskFormat, "diskFormat");
    Objects.requireNonNull(containerFormat, "containerFormat");
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(osHashAlgo, "osHashAlgo");
    Objects.requireNonNull(osHashValue, "osHashValue");
    Objects.requireNonNull(visibility, "visibility");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    checkText("name", name);
    checkText("disk_format", diskFormat);
    checkText("container_format", containerFormat);
    checkText("owner", owner);
    if (minDisk < 0 || minRam < 0) {
      throw new InvalidRequestException("min_disk and min_ram must not be negative");
    }
    tags = sortedTags(tags);
    properties = sortedProperties(properties);
    locations = List.copyOf(locations);
  }

  static Set<String> sortedTags(Set<String> tags) {
    for (String t : tags) {
      if (t == null || t.isEmpty() || t.length() > MAX_TEXT || t.indexOf('\0') >= 0) {
        throw new InvalidRequestException("a tag is 1 to " + MAX_TEXT + " characters, without NUL");
      }
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(new TreeSet<>(tags)));
  }

  static Map<String, String> sortedProperties(Map<String, String> properties) {
    for (Map.Entry<String, String> e : properties.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().length() > MAX_TEXT) {
        throw new InvalidRequestException("a property name is 1 to " + MAX_TEXT + " characters");
      }
      Objects.requireNonNull(e.getValue(), () -> "value of property " + e.getKey());
    }
    return Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  static void checkText(String what, Optional<String> value) {
    if (value.isPresent() && value.get().length() > MAX_TEXT) {
      throw new InvalidRequestException(what + " is longer than " + MAX_TEXT + " characters");
    }
  }

  public ImageRecord withName(Optional<String> name) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withDiskFormat(Optional<String> diskFormat) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withContainerFormat(Optional<String> containerFormat) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withMinDisk(int minDisk) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withMinRam(int minRam) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withProtected(boolean isProtected) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withOsHidden(boolean osHidden) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withVisibility(Visibility visibility) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withOwner(Optional<String> owner) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withTags(Set<String> tags) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  public ImageRecord withProperties(Map<String, String> properties) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }

  /** This record with {@code name} set to {@code value} among the extra properties. */
  public ImageRecord withProperty(String name, String value) {
    Map<String, String> p = new TreeMap<>(properties);
    p.put(name, value);
    return withProperties(p);
  }

  /** This record without the extra property {@code name}. */
  public ImageRecord withoutProperty(String name) {
    Map<String, String> p = new TreeMap<>(properties);
    p.remove(name);
    return withProperties(p);
  }

  public ImageRecord withLocations(List<Location> locations) {
    return new ImageRecord(id, name, status, size, virtualSize, diskFormat, containerFormat,
        checksum, osHashAlgo, osHashValue, minDisk, minRam, isProtected, osHidden, visibility,
        owner, tags, properties, locations, createdAt, updatedAt);
  }
}
