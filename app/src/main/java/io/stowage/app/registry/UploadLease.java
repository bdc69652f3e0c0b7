package io.stowage.app.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An image in {@code saving} and who runs its upload, as the registry last saw it.
 *
 * @param imageId the image
 * @param holder the process that runs the upload ({@code host/pid/start}); empty when the
 *     upload took no lease (a crash between the status change and the lease, or an upload
 *     started by a version before leases)
 * @param storeId the store the upload writes to, when the uploader said
 * @param renewedAt when the holder last said it is alive; without a holder, when the image
 *     last changed
 */
public record UploadLease(
    String imageId, Optional<String> holder, Optional<String> storeId, Instant renewedAt) {
  public UploadLease {
    Objects.requireNonNull(imageId, "imageId");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(renewedAt, "renewedAt");
  }
}
