package io.stowage.content;

import io.stowage.api.StorageFullException;
import io.stowage.api.StoreIOException;
import io.stowage.api.StowageException;
import io.stowage.api.WriteDeniedException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Turns an {@link IOException} into the SPI's error (ENOSPC/EDQUOT/EFBIG → full; EACCES/EPERM/
 * EROFS → denied). The JDK reports errno only as {@code strerror} text, so the text is matched.
 * (A copy of store-filesystem's until the shared classifier lands in store-api.)
 */
final class IoFailures {
  private IoFailures() {}

  static StowageException onWrite(String what, IOException e) {
    String detail = what + ": " + describe(e);
    String m = describe(e).toLowerCase(Locale.ROOT);
    if (m.contains("no space left") || m.contains("quota exceeded") || m.contains("file too large")) {
      return new StorageFullException(detail, e);
    }
    if (e instanceof AccessDeniedException || m.contains("permission denied")
        || m.contains("operation not permitted") || m.contains("read-only file system")) {
      return new WriteDeniedException(detail, e);
    }
    return new StoreIOException(detail, e);
  }

  static StowageException onRead(String what, IOException e) {
    return new StoreIOException(what + ": " + describe(e), e);
  }

  static String describe(IOException e) {
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
