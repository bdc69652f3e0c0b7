package io.stowage.app.image;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.ProgressListener;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Data for an image: the stream (read to its end, not closed), the size the sender declared,
 * the store to put it in (the default when empty), the md5 the sender says the data has (HTTP
 * {@code Content-MD5}; lowercase hex) and who else wants progress reports (a progress bar; the
 * registry is always told).
 */
public record Upload(
    InputStream data, OptionalLong declaredSize, Optional<String> storeId,
    Optional<String> expectedMd5, ProgressListener listener) {
  public Upload {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(expectedMd5, "expectedMd5");
    Objects.requireNonNull(declaredSize, "declaredSize");
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(listener, "listener");
    if (declaredSize.isPresent() && declaredSize.getAsLong() < 0) {
      throw new InvalidRequestException("declared size " + declaredSize.getAsLong() + " is negative");
    }
  }

  /** Data of unknown size for the default store. */
  public static Upload of(InputStream data) {
    return new Upload(data, OptionalLong.empty(), Optional.empty(), Optional.empty(),
        ProgressListener.NONE);
  }

  public Upload withDeclaredSize(long size) {
    return new Upload(data, OptionalLong.of(size), storeId, expectedMd5, listener);
  }

  public Upload withStore(String id) {
    return new Upload(data, declaredSize, Optional.of(id), expectedMd5, listener);
  }

  public Upload withListener(ProgressListener progress) {
    return new Upload(data, declaredSize, storeId, expectedMd5, progress);
  }

  public Upload withExpectedMd5(String md5) {
    return new Upload(data, declaredSize, storeId, Optional.of(md5), listener);
  }
}
