package io.stowage.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * A hash algorithm for the multihash, named as Python's {@code hashlib} names it ({@code sha512},
 * {@code sha3_256}, ...) so values stored by Glance stay comparable.
 *
 * <p>A closed set: the constants below are the only instances, so a {@code HashAlgorithm} that
 * reaches a store is always one it can compute; an unknown name fails in {@link #of(String)},
 * before any data is read. Instances are immutable and thread-safe; {@link #newDigest()} returns
 * a fresh, unshared digest each time.
 */
public final class HashAlgorithm {
  /** md5, which every add computes besides the multihash (Glance's {@code checksum}). */
  public static final HashAlgorithm MD5 = new HashAlgorithm("md5", "MD5");
  /** sha1. */
  public static final HashAlgorithm SHA1 = new HashAlgorithm("sha1", "SHA-1");
  /** sha224. */
  public static final HashAlgorithm SHA224 = new HashAlgorithm("sha224", "SHA-224");
  /** sha256. */
  public static final HashAlgorithm SHA256 = new HashAlgorithm("sha256", "SHA-256");
  /** sha384. */
  public static final HashAlgorithm SHA384 = new HashAlgorithm("sha384", "SHA-384");
  /** sha512, the default multihash (Glance's default {@code hashing_algorithm}). */
  public static final HashAlgorithm SHA512 = new HashAlgorithm("sha512", "SHA-512");
  /** sha512_224. */
  public static final HashAlgorithm SHA512_224 = new HashAlgorithm("sha512_224", "SHA-512/224");
  /** sha512_256. */
  public static final HashAlgorithm SHA512_256 = new HashAlgorithm("sha512_256", "SHA-512/256");
  /** sha3_224. */
  public static final HashAlgorithm SHA3_224 = new HashAlgorithm("sha3_224", "SHA3-224");
  /** sha3_256. */
  public static final HashAlgorithm SHA3_256 = new HashAlgorithm("sha3_256", "SHA3-256");
  /** sha3_384. */
  public static final HashAlgorithm SHA3_384 = new HashAlgorithm("sha3_384", "SHA3-384");
  /** sha3_512. */
  public static final HashAlgorithm SHA3_512 = new HashAlgorithm("sha3_512", "SHA3-512");

  private static final List<HashAlgorithm> ALL =
      List.of(MD5, SHA1, SHA224, SHA256, SHA384, SHA512, SHA512_224, SHA512_256, SHA3_224,
          SHA3_256, SHA3_384, SHA3_512);

  private final String name;
  private final String jdkName;

  private HashAlgorithm(String name, String jdkName) {
    this.name = name;
    this.jdkName = jdkName;
  }

  /**
   * The algorithm with the given hashlib name, case-insensitive, {@code -} read as {@code _}.
   *
   * @throws InvalidRequestException if the name is not one of {@link #supported()}
   */
  public static HashAlgorithm of(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (HashAlgorithm a : ALL) {
      if (a.name.equals(key)) {
        return a;
      }
    }
    throw new InvalidRequestException(
        "unknown hash algorithm \"" + name + "\" (supported: " + String.join(", ", supported())
            + ")");
  }

  /** Every algorithm, in the order of the constants. */
  public static List<HashAlgorithm> all() {
    return ALL;
  }

  /** The names {@link #of(String)} accepts, sorted. */
  public static List<String> supported() {
    return ALL.stream().map(HashAlgorithm::name).sorted().toList();
  }

  /** The hashlib name: {@code sha512}, {@code sha3_256}, ... */
  public String name() {
    return name;
  }

  /** The JDK's name of the algorithm: {@code SHA-512}, {@code SHA3-256}, ... */
  public String jdkName() {
    return jdkName;
  }

  /** A new digest for this algorithm; every JDK 17 has all of them. */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jdkName, e);
    }
  }

  /** The hashlib name. */
  @Override
  public String toString() {
    return name;
  }
}
