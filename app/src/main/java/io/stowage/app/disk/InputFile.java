package io.stowage.app.disk;

import io.stowage.api.DisplayText;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.IoFailures;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The rules for a file a command reads, and the messages when it cannot: the path shortened
 * ({@link DisplayText}) and the reason named. A device such as {@code /dev/zero} is not an image
 * file (its size is 0 and its data endless); a pipe ({@code <(command)}) is read as a stream
 * where a stream will do.
 */
public final class InputFile {
  private static final int TYPE_MASK = 0170000;
  private static final int FIFO = 0010000;

  private InputFile() {}

  /**
   * Checks that {@code text} names a readable image file (or, with {@code pipeAllowed}, a pipe).
   *
   * @return the path
   * @throws InvalidRequestException it is missing, a folder, a device, or not a valid path
   */
  public static Path require(String text, boolean pipeAllowed) {
    Path file;
    try {
      file = Path.of(text);
    } catch (InvalidPathException e) {
      throw new InvalidRequestException("cannot read " + DisplayText.of(text) + ": not a valid path");
    }
    require(file, pipeAllowed);
    return file;
  }

  /** As {@link #require(String, boolean)} for a path. */
  public static void require(Path file, boolean pipeAllowed) {
    String shown = DisplayText.of(file.toString());
    try {
      if (Files.isRegularFile(file)) {
        return;
      }
      if (Files.isDirectory(file)) {
        throw new InvalidRequestException(shown + " is a directory, not an image file");
      }
      if (!Files.exists(file)) {
        // exists() is false for a name too long as well: ask the file system for the reason
        Files.readAttributes(file, "basic:size");
        throw new InvalidRequestException(shown + " does not exist");
      }
      if (pipeAllowed && isFifo(file)) {
        return;
      }
      throw new InvalidRequestException(shown + " is not a regular file (a device, pipe or socket)"
          + (pipeAllowed ? "; use - to read a stream from standard input" : ""));
    } catch (IOException e) {
      throw readFailure(file, e);
    }
  }

  /** The error for a failed read of {@code file}: "cannot read X: reason". */
  public static RuntimeException readFailure(Path file, IOException e) {
    String shown = DisplayText.of(file.toString());
    if (e instanceof NoSuchFileException) {
      return new InvalidRequestException(shown + " does not exist");
    }
    if (e instanceof AccessDeniedException) {
      return new InvalidRequestException("cannot read " + shown + ": permission denied");
    }
    String reason = IoFailures.describe(e);
    // The path itself is wrong (too long, a file where a folder should be, a link loop).
    if (e.getClass() == FileSystemException.class) {
      return new InvalidRequestException("cannot read " + shown + ": " + lower(reason));
    }
    return new StoreIOException("cannot read " + shown + ": " + lower(reason), e);
  }

  private static String lower(String reason) {
    return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }

  private static boolean isFifo(Path file) {
    try {
      return (((Integer) Files.getAttribute(file, "unix:mode")) & TYPE_MASK) == FIFO;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
