package io.stowage.cache.xattr;


import io.stowage.api.StorageFullException;
import io.stowage.api.StoreIOException;
import io.stowage.api.StowageException;
import io.stowage.api.WriteDeniedException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Turns an {@link IOException} from the file system into the SPI's error. The JDK reports errno
 * only as {@code strerror} text, so the text is what is matched.
 */
final class IoFailures {
  private IoFailures() {}

  /** Whether the error means there is no room: ENOSPC, EDQUOT or EFBIG. */
  static boolean isFull(IOException e) {
    String m = reason(e);
    return m.contains("no space left")
        || m.contains("quota exceeded")
        || m.contains("file too large");
  }

  /** Whether the error means writing is not allowed: EACCES, EPERM or EROFS. */
  static boolean isDenied(IOException e) {
    if (e instanceof AccessDeniedException) {
      return true;
    }
    String m = reason(e);
    return m.contains("permission denied")
        || m.contains("operation not permitted")
        || m.contains("read-only file system");
  }

  /** The SPI error for a failed write of {@code what}. */
  static StowageException onWrite(String what, IOException e) {
    String detail = what + ": " + describe(e);
    if (isFull(e)) {
      return new StorageFullException(detail, e);
    }
    if (isDenied(e)) {
      return new WriteDeniedException(detail, e);
    }
    return new StoreIOException(detail, e);
  }

  /** The SPI error for a failed read of {@code what}. */
  static StowageException onRead(String what, IOException e) {
    return new StoreIOException(what + ": " + describe(e), e);
  }

  /** {@code strerror} text, without the file name the JDK may put in front of it. */
  static String describe(IOException e) {
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String reason(IOException e) {
    return describe(e).toLowerCase(Locale.ROOT);
  }
}
