package io.stowage.app.service;

import io.stowage.api.disk.DiskInfo;
import io.stowage.api.store.AddResult;
import java.util.Objects;

/**
 * An image {@link ImageStorage#put} stored.
 *
 * @param storeId the store it went to
 * @param result where it is, its size and checksums
 * @param disk what inspection found: {@code disk.format()} is {@code raw} (and the virtual size
 *     the size) when no format recognised the data; safety findings are present only when the
 *     request allowed unsafe images
 */
public record StoredImage(String storeId, AddResult result, DiskInfo disk) {
  public StoredImage {
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(disk, "disk");
  }
}
