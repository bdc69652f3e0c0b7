package io.stowage.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A digest of image data: the algorithm and the lowercase hex value (Glance's
 * {@code os_hash_algo} and {@code os_hash_value}).
 */
public record Multihash(HashAlgorithm algorithm, String value) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  /** @throws InvalidRequestException {@code value} is not lowercase hex */
  public Multihash {
    Objects.requireNonNull(algorithm, "algorithm");
    if (!HEX.matcher(value).matches()) {
      throw new InvalidRequestException("not lowercase hex: " + value);
    }
  }
}
