package io.stowage.api.cache;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.Multihash;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What an image being cached is known to be, from the image's record: its size, its md5
 * ({@code checksum}) and its multihash ({@code os_hash_algo}/{@code os_hash_value}). {@link
 * CacheWriter#commit()} refuses data that differs from any value present; absent values are not
 * checked. Each present checksum costs a digest over the data as it is written.
 *
 * @param size the image's size in bytes
 * @param md5 lowercase hex md5
 * @param multihash the image's multihash
 */
public record ExpectedImage(OptionalLong size, Optional<String> md5, Optional<Multihash> multihash) {
  private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

  /** @throws InvalidRequestException a negative size, or an md5 that is not 32 hex digits */
  public ExpectedImage {
    if (size.isPresent() && size.getAsLong() < 0) {
      throw new InvalidRequestException("negative image size: " + size.getAsLong());
    }
    if (md5.isPresent() && !MD5.matcher(md5.get()).matches()) {
      throw new InvalidRequestException("not an md5 in lowercase hex: " + md5.get());
    }
  }

  /** Nothing known: any data commits. */
  public static ExpectedImage unknown() {
    return new ExpectedImage(OptionalLong.empty(), Optional.empty(), Optional.empty());
  }

  public ExpectedImage withSize(long bytes) {
    return new ExpectedImage(OptionalLong.of(bytes), md5, multihash);
  }

  public ExpectedImage withMd5(String hex) {
    return new ExpectedImage(size, Optional.of(hex), multihash);
  }

  public ExpectedImage withMultihash(Multihash hash) {
    return new ExpectedImage(size, md5, Optional.of(hash));
  }
}
