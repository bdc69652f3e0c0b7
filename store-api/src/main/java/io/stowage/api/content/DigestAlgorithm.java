package io.stowage.api.content;

import io.stowage.api.HashAlgorithm;
import io.stowage.api.InvalidRequestException;
import java.security.MessageDigest;
import java.util.Locale;

/** The digest algorithms content is keyed by, named as in OCI digests ({@code sha256:...}). */
public enum DigestAlgorithm {
  SHA256(HashAlgorithm.SHA256, 64),
  SHA512(HashAlgorithm.SHA512, 128);

  private final String id;
  private final HashAlgorithm hash;
  private final int hexLength;

  DigestAlgorithm(HashAlgorithm hash, int hexLength) {
    this.id = hash.name(); // hashlib's names are OCI's for these two
    this.hash = hash;
    this.hexLength = hexLength;
  }

  /**
   * The algorithm named {@code name} ({@code sha256} or {@code sha512}).
   *
   * @throws InvalidRequestException for any other name
   */
  public static DigestAlgorithm of(String name) {
    for (DigestAlgorithm a : values()) {
      if (a.id.equals(name)) {
        return a;
      }
    }
    String shown = name.length() > 32 ? name.substring(0, 32) + "..." : name;
    throw new InvalidRequestException(
        "unsupported digest algorithm \"" + shown.toLowerCase(Locale.ROOT).replaceAll("\\p{Cntrl}", "?")
            + "\" (supported: sha256, sha512)");
  }

  /** The OCI name, e.g. {@code sha256}; also the folder name under {@code blobs/}. */
  public String id() {
    return id;
  }

  /** How many lowercase hex digits a digest of this algorithm has. */
  public int hexLength() {
    return hexLength;
  }

  /** The same algorithm as the image service names it. */
  public HashAlgorithm hashAlgorithm() {
    return hash;
  }

  /** A new JDK digest of this algorithm. */
  public MessageDigest newDigest() {
    return hash.newDigest();
  }

  @Override
  public String toString() {
    return id;
  }
}
