package io.stowage.api.content;

import io.stowage.api.InvalidRequestException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A content digest: algorithm and lowercase hex, written {@code sha256:<64 hex>} or
 * {@code sha512:<128 hex>}. Every instance is valid (the constructor checks the hex's length and
 * digits), so a digest is safe to use as a file name.
 */
public record Digest(DigestAlgorithm algorithm, String hex) {

  /** @throws InvalidRequestException if {@code hex} is not lowercase hex of the right length */
  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != algorithm.hexLength() || !isLowerHex(hex)) {
      throw new InvalidRequestException(
          "invalid " + algorithm + " digest: expected " + algorithm.hexLength()
              + " lowercase hex digits");
    }
  }

  /**
   * Parses {@code <algorithm>:<hex>}.
   *
   * @throws InvalidRequestException if the text is not a valid digest
   */
  public static Digest parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new InvalidRequestException(
          "invalid digest \"" + shorten(text) + "\": expected <algorithm>:<hex>, e.g. sha256:...");
    }
    return new Digest(DigestAlgorithm.of(text.substring(0, colon)), text.substring(colon + 1));
  }

  /** The digest with the given algorithm over the final value of a JDK digest. */
  public static Digest of(DigestAlgorithm algorithm, byte[] value) {
    return new Digest(algorithm, HexFormat.of().formatHex(value));
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static String shorten(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }

  /** {@code <algorithm>:<hex>}. */
  @Override
  public String toString() {
    return algorithm.id() + ":" + hex;
  }
}
