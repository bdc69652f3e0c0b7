package io.stowage.api.store;


import io.stowage.api.Multihash;
import io.stowage.api.InvalidRequestException;


import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a successful {@link Store#add} stored: where, how many bytes, and the md5 and multihash
 * of exactly those bytes. Backend metadata travels in {@link Location#metadata()}.
 */
public record AddResult(Location location, long size, String md5, Multihash multihash) {
  private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");

  /**
   * Checks the values; a backend normally gets one from {@link ImageMeter.Reading#resultAt}.
   *
   * @throws InvalidRequestException the size is negative or {@code md5} is not 32 lowercase hex
   *     digits
   */
  public AddResult {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(multihash, "multihash");
    if (size < 0) {
      throw new InvalidRequestException("size " + size + " is negative");
    }
    if (!MD5_HEX.matcher(md5).matches()) {
      throw new InvalidRequestException("not an md5 hex digest: " + md5);
    }
  }

  /** The backend's metadata for the stored image (for example a mount point's id). */
  public Map<String, String> metadata() {
    return location.metadata();
  }
}
