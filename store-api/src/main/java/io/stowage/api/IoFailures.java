package io.stowage.api;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Locale;

/**
 * The one classification of {@link IOException}s into the SPI's errors, for every backend and
 * disk format: no space, quota exceeded or file too big ({@code ENOSPC}, {@code EDQUOT},
 * {@code EFBIG}) are {@link StorageFullException}; access denied, operation not permitted or a
 * read-only file system ({@code EACCES}, {@code EPERM}, {@code EROFS}) are
 * {@link WriteDeniedException}; anything else is {@link StoreIOException}.
 *
 * <p>The JDK reports errno only as {@code strerror} text, so that text is what is matched (in
 * English, as the JDK's native code prints it whatever the locale). Stateless and thread-safe.
 */
public final class IoFailures {
  private IoFailures() {}

  /** Whether {@code e} means there is no room: {@code ENOSPC}, {@code EDQUOT} or {@code EFBIG}. */
  public static boolean isFull(IOException e) {
    String m = reason(e);
    return m.contains("no space left")
        || m.contains("quota exceeded")
        || m.contains("file too large");
  }

  /**
   * Whether {@code e} means writing is not allowed: {@code EACCES}, {@code EPERM} or
   * {@code EROFS}.
   */
  public static boolean isDenied(IOException e) {
    if (e instanceof AccessDeniedException) {
      return true;
    }
    String m = reason(e);
    return m.contains("permission denied")
        || m.contains("operation not permitted")
        || m.contains("read-only file system");
  }

  /**
   * The SPI error for a failed write of {@code what}, with {@code e} as its cause and the
   * message {@code "<what>: <strerror text>"} ({@code "... (storage full)"} when full).
   */
  public static StowageException onWrite(String what, IOException e) {
    String detail = what + ": " + describe(e);
    if (isFull(e)) {
      return new StorageFullException(detail + " (storage full)", e);
    }
    if (isDenied(e)) {
      return new WriteDeniedException(detail, e);
    }
    return new StoreIOException(detail, e);
  }

  /** {@link #onWrite} for a failure the JDK reports unchecked (a read-only file system provider). */
  public static StowageException onWrite(String what, ReadOnlyFileSystemException e) {
    return new WriteDeniedException(what + ": read-only file system", e);
  }

  /**
   * The SPI error for a failed read of {@code what}: always {@link StoreIOException} (a read
   * that fails is not the caller's fault, whatever errno says).
   */
  public static StowageException onRead(String what, IOException e) {
    return new StoreIOException(what + ": " + describe(e), e);
  }

  /** The {@code strerror} text of {@code e}, without the file name the JDK may put in front. */
  public static String describe(IOException e) {
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
