package io.stowage.app.service;

/**
 * How many bytes one upload may take, decided while it streams: what remains of a quota that
 * other uploads share. {@link ImageStorage#put} asks once before reading when the size is
 * declared, and again whenever the data outgrows what it was allowed; the answer may be larger
 * than asked (so it asks seldom), and is final only for the bytes it covers.
 *
 * <p>Called from the one thread that streams the upload.
 */
@FunctionalInterface
public interface UploadAllowance {
  /**
   * Asks that the upload may take at least {@code needed} bytes in all.
   *
   * @return the bytes the upload may now take in all: at least {@code needed} when granted, less
   *     when refused (the upload then fails with {@link io.stowage.api.StorageFullException})
   * @throws io.stowage.api.StowageException to refuse with a message of its own (a
   *     {@link io.stowage.api.StorageFullException} naming the quota) or when it cannot tell
   */
  long request(long needed);

  /** A fixed limit of {@code bytes}, shared with nobody. */
  static UploadAllowance fixed(long bytes) {
    return needed -> bytes;
  }
}
