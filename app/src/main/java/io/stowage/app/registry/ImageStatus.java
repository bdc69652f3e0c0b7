package io.stowage.app.registry;

import io.stowage.api.InvalidRequestException;
import java.util.Locale;

/**
 * An image's state, as Glance names it. The upload path moves {@code queued → saving → active};
 * a failed upload returns to {@code queued}. The others exist for Glance compatibility
 * (import, deactivation, delayed delete).
 */
public enum ImageStatus {
  QUEUED,
  SAVING,
  ACTIVE,
  KILLED,
  DELETED,
  PENDING_DELETE,
  DEACTIVATED,
  UPLOADING,
  IMPORTING;

  /** The name used in the database and in the API ({@code pending_delete}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @throws InvalidRequestException for an unknown status
   */
  public static ImageStatus of(String wireName) {
    for (ImageStatus s : values()) {
      if (s.wireName().equals(wireName)) {
        return s;
      }
    }
    throw new InvalidRequestException("unknown image status \"" + wireName + "\"");
  }
}
