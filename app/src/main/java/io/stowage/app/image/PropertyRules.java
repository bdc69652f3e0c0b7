package io.stowage.app.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.api.InvalidRequestException;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.ImageStatus;
import io.stowage.app.registry.Scope;
import io.stowage.app.registry.Visibility;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which image properties a caller may set, and to what: Glance's image schema. Read-only
 * properties (id after creation, status, sizes, checksums, locations, timestamps, links) are
 * 403; values of the wrong type or outside an enumeration are 400; {@code disk_format} and
 * {@code container_format} change only while the image has no data (403 after); only admins
 * set {@code owner} or make an image {@code public}.
 */
final class PropertyRules {
  static final Set<String> DISK_FORMATS =
      Set.of("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop");
  static final Set<String> CONTAINER_FORMATS =
      Set.of("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed");
  static final Set<String> READ_ONLY = Set.of("id", "status", "checksum", "os_hash_algo",
      "os_hash_value", "size", "virtual_size", "created_at", "updated_at", "direct_url", "self",
      "file", "schema", "locations", "stores", "deleted", "deleted_at");
  static final Set<String> BASE = Set.of("name", "visibility", "protected", "os_hidden", "owner",
      "container_format", "disk_format", "tags", "min_ram", "min_disk");

  private PropertyRules() {}

  /**
   * Applies one change for {@code scope}.
   *
   * @throws ImageForbiddenException a read-only property, a base property removed, a format
   *     changed after upload, owner or public visibility set by a non-admin
   * @throws InvalidRequestException a value of the wrong type or not allowed
   * @throws ImageConflictException replacing or removing an extra property the image lacks
   */
  static ImageRecord apply(ImageRecord image, PropertyChange change, Scope scope) {
    String p = change.property();
    if (READ_ONLY.contains(p)) {
      throw new ImageForbiddenException("attribute '" + p + "' is read-only");
    }
    if (!BASE.contains(p)) {
      return applyExtra(image, change);
    }
    if (change.op() == PropertyChange.Op.REMOVE) {
      throw new ImageForbiddenException("property " + p + " may not be removed");
    }
    JsonNode v = change.value().orElseThrow();
    return switch (p) {
      case "name" -> image.withName(nullableText(p, v, ImageRecord.MAX_TEXT));
      case "visibility" -> {
        Visibility visibility = Visibility.of(text(p, v));
        if (visibility == Visibility.PUBLIC && !scope.admin()
            && image.visibility() != Visibility.PUBLIC) {
          throw new ImageForbiddenException("only an admin may make an image public");
        }
        yield image.withVisibility(visibility);
      }
      case "protected" -> image.withProtected(bool(p, v));
      case "os_hidden" -> image.withOsHidden(bool(p, v));
      case "owner" -> {
        Optional<String> owner = nullableText(p, v, ImageRecord.MAX_TEXT);
        if (!scope.admin() && !owner.equals(image.owner())) {
          throw new ImageForbiddenException("only an admin may change an image's owner");
        }
        yield image.withOwner(owner);
      }
      case "disk_format" -> image.withDiskFormat(format(image, p, v, DISK_FORMATS));
      case "container_format" -> image.withContainerFormat(format(image, p, v, CONTAINER_FORMATS));
      case "tags" -> image.withTags(tags(v));
      case "min_ram" -> image.withMinRam(count(p, v));
      case "min_disk" -> image.withMinDisk(count(p, v));
      default -> throw new IllegalStateException(p);
    };
  }

  private static ImageRecord applyExtra(ImageRecord image, PropertyChange change) {
    String p = change.property();
    if (p.isEmpty() || p.length() > ImageRecord.MAX_TEXT || p.contains("/") || p.indexOf('\0') >= 0) {
      throw new InvalidRequestException("a property name is 1 to " + ImageRecord.MAX_TEXT
          + " characters without '/'");
    }
    boolean has = image.properties().containsKey(p);
    if (change.op() != PropertyChange.Op.ADD && !has) {
      throw new ImageConflictException("property " + p + " does not exist");
    }
    if (change.op() == PropertyChange.Op.REMOVE) {
      return image.withoutProperty(p);
    }
    JsonNode v = change.value().orElseThrow();
    if (!v.isTextual()) {
      throw new InvalidRequestException("property " + p + " must be a string, not " + v);
    }
    if (v.textValue().length() > 65535) {
      throw new InvalidRequestException("property " + p + " is longer than 65535 characters");
    }
    return image.withProperty(p, noNul("property " + p, v.textValue()));
  }

  private static Optional<String> format(ImageRecord image, String p, JsonNode v, Set<String> allowed) {
    Optional<String> value = nullableText(p, v, ImageRecord.MAX_TEXT);
    if (value.isPresent() && !allowed.contains(value.get())) {
      throw new InvalidRequestException(p + " \"" + value.get() + "\" is not one of "
          + new java.util.TreeSet<>(allowed));
    }
    if (image.status() != ImageStatus.QUEUED && !value.equals(p.equals("disk_format")
        ? image.diskFormat() : image.containerFormat())) {
      throw new ImageForbiddenException(p + " can be changed only while the image is queued");
    }
    return value;
  }

  private static Optional<String> nullableText(String p, JsonNode v, int max) {
    if (v.isNull()) {
      return Optional.empty();
    }
    String s = text(p, v);
    if (s.length() > max) {
      throw new InvalidRequestException(p + " is longer than " + max + " characters");
    }
    return Optional.of(s);
  }

  private static String text(String p, JsonNode v) {
    if (!v.isTextual()) {
      throw new InvalidRequestException(p + " must be a string, not " + v);
    }
    return noNul(p, v.textValue());
  }

  // PostgreSQL text cannot hold NUL (the write would fail as a database error, not a 400).
  private static String noNul(String p, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new InvalidRequestException(p + " must not contain the NUL character");
    }
    return value;
  }

  private static boolean bool(String p, JsonNode v) {
    if (!v.isBoolean()) {
      throw new InvalidRequestException(p + " must be true or false, not " + v);
    }
    return v.booleanValue();
  }

  private static int count(String p, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw new InvalidRequestException(p + " must be a whole number from 0 to "
          + Integer.MAX_VALUE + ", not " + v);
    }
    return v.intValue();
  }

  private static Set<String> tags(JsonNode v) {
    if (!v.isArray()) {
      throw new InvalidRequestException("tags must be an array of strings, not " + v);
    }
    Set<String> tags = new LinkedHashSet<>();
    for (JsonNode t : v) {
      tags.add(text("a tag", t));
    }
    return tags;
  }
}
