package io.stowage.app.registry;

import io.stowage.api.InvalidRequestException;
import java.util.Locale;

/**
 * Who may see an image (Glance's four values). {@code PUBLIC}: everyone, listed by default;
 * {@code COMMUNITY}: everyone, but listed only when asked for; {@code SHARED} and
 * {@code PRIVATE}: the owner's project (and admins) only.
 */
public enum Visibility {
  PUBLIC,
  PRIVATE,
  SHARED,
  COMMUNITY;

  /** The name used in the database and in the API. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @throws InvalidRequestException for an unknown visibility
   */
  public static Visibility of(String wireName) {
    for (Visibility v : values()) {
      if (v.wireName().equals(wireName)) {
        return v;
      }
    }
    throw new InvalidRequestException(
        "unknown visibility \"" + wireName + "\" (public, private, shared, community)");
  }
}
