package io.stowage.app.image;

import io.stowage.api.DataSize;
import io.stowage.api.StorageFullException;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.ImageRegistry;
import io.stowage.app.service.UploadAllowance;
import java.util.OptionalLong;

/**
 * An upload's claim on its owner's quota, kept in the registry ({@link ImageRegistry#reserve}),
 * so uploads running at once — in this process or any other sharing the registry — cannot
 * together store more than the quota. A declared size is claimed whole before the first byte;
 * data of unknown size claims {@link #STEP} more each time it outgrows its claim (one registry
 * write per step, not per chunk), and near the quota whatever is left. The image's next status
 * change releases the claim: activation (the size then counts instead), or the failure that
 * returns it to {@code queued}.
 */
final class QuotaReservation implements UploadAllowance {
  /** How far ahead of the data an upload of unknown size claims. */
  static final long STEP = 64L << 20;

  private final ImageRegistry registry;
  private final ImageRecord image;
  private final DataSize quota;
  private final OptionalLong declaredSize;

  QuotaReservation(ImageRegistry registry, ImageRecord image, DataSize quota,
      OptionalLong declaredSize) {
    this.registry = registry;
    this.image = image;
    this.quota = quota;
    this.declaredSize = declaredSize;
  }

  @Override
  public long request(long needed) {
    long wanted = declaredSize.isPresent()
        ? Math.max(needed, declaredSize.getAsLong())
        : needed + Math.min(STEP, Long.MAX_VALUE - needed);
    OptionalLong granted = registry.reserve(image.id(), needed, wanted, quota.bytes());
    if (granted.isEmpty()) {
      long stored = registry.bytesStoredBy(image.owner().orElseThrow());
      long reserved = registry.bytesReservedBy(image.owner().get());
      throw new StorageFullException("the upload would exceed project " + image.owner().get()
          + "'s quota of " + quota + " (" + needed + " bytes "
          + (declaredSize.isPresent() ? "declared" : "so far") + "; the project stores " + stored
          + " bytes and its other uploads hold " + reserved + "); nothing was stored");
    }
    return granted.getAsLong();
  }
}
