package io.stowage.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A hash algorithm for the multihash, named as Python's {@code hashlib} names it ({@code sha512},
 * {@code sha3_256}, ...) so values stored by Glance stay comparable.
 *
 * <p>Instances are immutable and thread-safe; {@link #newDigest()} returns a fresh, unshared
 * digest each time.
 */
public record HashAlgorithm(String name, String jdkName) {

  private static final Map<String, String> KNOWN =
      Map.ofEntries(
          Map.entry("md5", "MD5"),
          Map.entry("sha1", "SHA-1"),
          Map.entry("sha224", "SHA-224"),
          Map.entry("sha256", "SHA-256"),
          Map.entry("sha384", "SHA-384"),
          Map.entry("sha512", "SHA-512"),
          Map.entry("sha512_224", "SHA-512/224"),
          Map.entry("sha512_256", "SHA-512/256"),
          Map.entry("sha3_224", "SHA3-224"),
          Map.entry("sha3_256", "SHA3-256"),
          Map.entry("sha3_384", "SHA3-384"),
          Map.entry("sha3_512", "SHA3-512"));

  /** md5, which every add computes besides the multihash (Glance's {@code checksum}). */
  public static final HashAlgorithm MD5 = new HashAlgorithm("md5", "MD5");

  /** The default multihash. */
  public static final HashAlgorithm SHA512 = new HashAlgorithm("sha512", "SHA-512");

  /** Use {@link #of(String)}. */
  public HashAlgorithm {
    if (!jdkName.equals(KNOWN.get(name))) {
      throw new InvalidRequestException("unknown hash algorithm \"" + name + "\"");
    }
  }

  /**
   * The algorithm with the given hashlib name, case-insensitive.
   *
   * @throws InvalidRequestException if the name is not one of {@link #supported()}
   */
  public static HashAlgorithm of(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    String jdk = KNOWN.get(key);
    if (jdk == null) {
      throw new InvalidRequestException(
          "unknown hash algorithm \""
              + name
              + "\" (supported: "
              + String.join(", ", supported())
              + ")");
    }
    return new HashAlgorithm(key, jdk);
  }

  /** The names {@link #of(String)} accepts, sorted. */
  public static List<String> supported() {
    return KNOWN.keySet().stream().sorted().collect(Collectors.toList());
  }

  /** A new digest for this algorithm. */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jdkName, e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
