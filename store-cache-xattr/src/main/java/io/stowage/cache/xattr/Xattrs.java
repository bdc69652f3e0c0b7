package io.stowage.cache.xattr;

import io.stowage.api.IoFailures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Locale;
import java.util.Optional;

/**
 * User extended attributes of cache files, through the JDK's {@link
 * UserDefinedFileAttributeView} (which puts the {@code user.} namespace in front of names).
 * Values are short UTF-8 text, as Glance writes them.
 */
final class Xattrs {
  /**
   * Glance's hit counter: read from entries Glance's driver wrote; set to 0 on commit so
   * Glance's tools find it. Stowage counts in {@link #ACCESS}.
   */
  static final String HITS = "hits";
  /** Glance's reason a write failed, on files in {@code invalid/}. */
  static final String ERROR = "error";
  /** Stowage's access record, {@link AccessRecord}: hits, last access, committed size. */
  static final String ACCESS = "stowage.access";

  private static final int SMALL = 128;

  private Xattrs() {}

  /**
   * The attribute's value; empty if the file has none by that name (or the file system keeps
   * none at all).
   *
   * @throws NoSuchFileException the file is gone
   */
  static Optional<String> read(Path file, String name) throws IOException {
    UserDefinedFileAttributeView view = view(file);
    if (view == null) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.allocate(SMALL);
    try {
      view.read(name, buffer);
    } catch (NoSuchFileException | AccessDeniedException e) {
      throw e;
    } catch (FileSystemException e) {
      if (!reason(e).contains("range")) {
        return Optional.empty(); // ENODATA: no such attribute
      }
      buffer = ByteBuffer.allocate(view.size(name)); // ERANGE: a long value, such as an error
      view.read(name, buffer);
    }
    buffer.flip();
    return Optional.of(StandardCharsets.UTF_8.decode(buffer).toString());
  }

  /** Sets the attribute, replacing any value. */
  static void write(Path file, String name, String value) throws IOException {
    UserDefinedFileAttributeView view = view(file);
    if (view == null) {
      throw new FileSystemException(file.toString(), null, "Operation not supported");
    }
    view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether a failure to write an attribute means the file system keeps no user attributes. */
  static boolean unsupported(IOException e) {
    String m = reason(e);
    return m.contains("not supported") || m.contains("not permitted");
  }

  private static UserDefinedFileAttributeView view(Path file) {
    return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
  }

  private static String reason(IOException e) {
    return IoFailures.describe(e).toLowerCase(Locale.ROOT);
  }
}
