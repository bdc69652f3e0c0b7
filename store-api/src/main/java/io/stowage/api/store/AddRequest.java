package io.stowage.api.store;


import io.stowage.api.HashAlgorithm;
import io.stowage.api.ImageIds;
import io.stowage.api.ProgressListener;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.InvalidRequestException;


import java.io.InputStream;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@link Store#add} writes: an image id, its data, the size the caller declared (if any),
 * the multihash algorithm, a size cap and a progress listener.
 *
 * <p>Build one with {@link #of(String, InputStream)} and the {@code with...} methods. The id is
 * checked by {@link ImageIds#requireValid}, so a store never sees an invalid one. The store reads
 * {@code data} to its end and does not close it. Immutable (the stream aside); one store reads
 * it, once.
 *
 * @param sizeCap the most bytes the store accepts for this image; more is
 *     {@link SizeCapExceededException}
 */
public record AddRequest(
    String imageId,
    InputStream data,
    OptionalLong declaredSize,
    HashAlgorithm hashAlgorithm,
    long sizeCap,
    ProgressListener progress) {

  /**
   * Checks the values.
   *
   * @throws InvalidRequestException the id breaks {@link ImageIds}' rule, or a size is negative
   * @throws SizeCapExceededException the declared size is over the cap
   */
  public AddRequest {
    ImageIds.requireValid(imageId);
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(declaredSize, "declaredSize");
    Objects.requireNonNull(hashAlgorithm, "hashAlgorithm");
    Objects.requireNonNull(progress, "progress");
    if (declaredSize.isPresent() && declaredSize.getAsLong() < 0) {
      throw new InvalidRequestException("declared size " + declaredSize.getAsLong() + " is negative");
    }
    if (sizeCap < 0) {
      throw new InvalidRequestException("size cap " + sizeCap + " is negative");
    }
    if (declaredSize.isPresent() && declaredSize.getAsLong() > sizeCap) {
      throw new SizeCapExceededException(
          "declared size " + declaredSize.getAsLong() + " exceeds the size cap of " + sizeCap
              + " bytes");
    }
  }

  /** A request with unknown size, sha512, no cap and no progress reports. */
  public static AddRequest of(String imageId, InputStream data) {
    return new AddRequest(
        imageId, data, OptionalLong.empty(), HashAlgorithm.SHA512, Long.MAX_VALUE,
        ProgressListener.NONE);
  }

  /** This request with {@code size} declared; the store refuses data of another size. */
  public AddRequest withDeclaredSize(long size) {
    return new AddRequest(imageId, data, OptionalLong.of(size), hashAlgorithm, sizeCap, progress);
  }

  /** This request with the multihash computed by {@code algorithm}. */
  public AddRequest withHashAlgorithm(HashAlgorithm algorithm) {
    return new AddRequest(imageId, data, declaredSize, algorithm, sizeCap, progress);
  }

  /** This request refusing more than {@code cap} bytes. */
  public AddRequest withSizeCap(long cap) {
    return new AddRequest(imageId, data, declaredSize, hashAlgorithm, cap, progress);
  }

  /** This request reporting progress to {@code listener}. */
  public AddRequest withProgress(ProgressListener listener) {
    return new AddRequest(imageId, data, declaredSize, hashAlgorithm, sizeCap, listener);
  }
}
