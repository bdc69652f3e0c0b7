package io.stowage.app.registry;

import io.stowage.api.InvalidRequestException;
import java.util.Locale;

/** Where a project stands on an image shared with it: Glance's member statuses. */
public enum MemberStatus {
  /** Shared with the project, which has not answered: the image is not in its default list. */
  PENDING,
  /** The project took the image: it is in the project's image list. */
  ACCEPTED,
  /** The project declined the image; it can still read it by id. */
  REJECTED;

  /** The API name ({@code accepted}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses an API status.
   *
   * @throws InvalidRequestException for anything but pending, accepted, rejected
   */
  public static MemberStatus of(String wireName) {
    for (MemberStatus s : values()) {
      if (s.wireName().equals(wireName)) {
        return s;
      }
    }
    throw new InvalidRequestException(
        "Status must be \"pending\", \"accepted\" or \"rejected\", not \"" + wireName + "\"");
  }
}
