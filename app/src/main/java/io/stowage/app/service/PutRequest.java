package io.stowage.app.service;

import io.stowage.api.ImageIds;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.ProgressListener;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An image to store through {@link ImageStorage#put}. Build one with {@link #of} and the
 * {@code with...} methods.
 *
 * @param imageId the image id (checked by {@link ImageIds#requireValid})
 * @param data the image's bytes; read to its end (or to the first refusal), not closed
 * @param declaredSize the size the data must have, when the caller knows it
 * @param storeId the store to add to; empty for the default store
 * @param expectedFormat the disk format the caller says the data is (Glance's
 *     {@code disk_format}: raw, qcow2, vmdk, vhd, vhdx, vdi, iso, ...); data that inspection
 *     finds to be of another format is refused. A format no plugin can recognise accepts data
 *     that looks raw (it cannot be checked) and refuses data of a format that is recognised.
 * @param allowUnsafe store images with safety findings (a differencing disk, for example)
 *     anyway; damaged images and images that pass for several formats are refused regardless
 * @param allowance how many bytes this image may take (what remains of a quota), asked as the
 *     data streams; more is {@link io.stowage.api.StorageFullException} while streaming, and
 *     nothing is stored. Empty: no limit but the size cap
 * @param progress told how many bytes have been stored so far
 */
public record PutRequest(
    String imageId,
    InputStream data,
    OptionalLong declaredSize,
    Optional<String> storeId,
    Optional<String> expectedFormat,
    boolean allowUnsafe,
    Optional<UploadAllowance> allowance,
    ProgressListener progress) {

  public PutRequest {
    ImageIds.requireValid(imageId);
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(declaredSize, "declaredSize");
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(allowance, "allowance");
    Objects.requireNonNull(progress, "progress");
    expectedFormat = expectedFormat.map(f -> f.trim().toLowerCase(Locale.ROOT));
    if (declaredSize.isPresent() && declaredSize.getAsLong() < 0) {
      throw new InvalidRequestException("declared size " + declaredSize.getAsLong() + " is negative");
    }
  }

  /** {@code data} as image {@code imageId}: unknown size, default store, any format, safe only, no limit. */
  public static PutRequest of(String imageId, InputStream data) {
    return new PutRequest(imageId, data, OptionalLong.empty(), Optional.empty(), Optional.empty(),
        false, Optional.empty(), ProgressListener.NONE);
  }

  public PutRequest withDeclaredSize(long size) {
    return new PutRequest(imageId, data, OptionalLong.of(size), storeId, expectedFormat,
        allowUnsafe, allowance, progress);
  }

  public PutRequest withStoreId(String id) {
    return new PutRequest(imageId, data, declaredSize, Optional.of(id), expectedFormat,
        allowUnsafe, allowance, progress);
  }

  public PutRequest withExpectedFormat(String format) {
    return new PutRequest(imageId, data, declaredSize, storeId, Optional.of(format),
        allowUnsafe, allowance, progress);
  }

  public PutRequest withAllowUnsafe(boolean allow) {
    return new PutRequest(imageId, data, declaredSize, storeId, expectedFormat,
        allow, allowance, progress);
  }

  /** A fixed limit of {@code bytes} (at least 0). */
  public PutRequest withLimit(long bytes) {
    if (bytes < 0) {
      throw new InvalidRequestException("limit " + bytes + " is negative");
    }
    return withAllowance(UploadAllowance.fixed(bytes));
  }

  public PutRequest withAllowance(UploadAllowance quota) {
    return new PutRequest(imageId, data, declaredSize, storeId, expectedFormat,
        allowUnsafe, Optional.of(quota), progress);
  }

  public PutRequest withProgress(ProgressListener listener) {
    return new PutRequest(imageId, data, declaredSize, storeId, expectedFormat,
        allowUnsafe, allowance, listener);
  }
}
