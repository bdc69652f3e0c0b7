package io.stowage.app.cli;

import io.stowage.api.DisplayText;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.IoFailures;
import io.stowage.api.StowageException;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The rules of every command that writes a file: never into one of its inputs, never over an
 * existing file without {@code --force}, leftovers of an earlier killed run of the same command
 * removed first, and the bytes written through {@link AtomicFile} (whole under the name or not
 * at all).
 */
final class OutputFile {
  private OutputFile() {}

  /**
   * Checks {@code target} against the rules and opens its temporary file.
   *
   * @param inputs files the command reads (the output must be none of them)
   * @throws InvalidRequestException the output is a folder, an input, or exists without force
   */
  static AtomicFile open(Path target, boolean force, List<Path> inputs) {
    String shown = DisplayText.of(target.toString());
    Path absolute;
    try {
      absolute = target.toAbsolutePath();
    } catch (InvalidPathException e) {
      throw new InvalidRequestException("cannot write " + shown + ": not a valid path");
    }
    if (Files.isDirectory(absolute)) {
      throw new InvalidRequestException(shown + " is a directory");
    }
    Path folder = absolute.getParent();
    if (!Files.isDirectory(folder)) {
      throw new InvalidRequestException("cannot write " + shown + ": folder "
          + DisplayText.of(folder.toString()) + " does not exist");
    }
    boolean exists = Files.exists(absolute, LinkOption.NOFOLLOW_LINKS);
    for (Path input : inputs) {
      if (exists && sameFile(absolute, input)) {
        throw new InvalidRequestException(shown + " is the input " + DisplayText.of(input.toString())
            + "; write the output to another file");
      }
    }
    if (exists && !force) {
      throw new InvalidRequestException(shown + " exists (--force replaces it)");
    }
    try {
      AtomicFile.removeAbandoned(folder, absolute.getFileName().toString());
      return AtomicFile.create(absolute);
    } catch (IOException e) {
      throw IoFailures.onWrite("cannot write " + shown, e);
    }
  }

  /** Gives the file its name (replacing an existing one only with {@code force}). */
  static void commit(AtomicFile file, boolean force) {
    try {
      file.commit(force ? AtomicFile.Commit.REPLACE : AtomicFile.Commit.NEW, true);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidRequestException(DisplayText.of(file.target().toString())
          + " appeared meanwhile and was kept (--force replaces it)");
    } catch (IOException e) {
      throw IoFailures.onWrite("cannot write " + DisplayText.of(file.target().toString()), e);
    }
  }

  /**
   * The error for a copy into {@code target} that failed: a failure only writing can cause (no
   * space, quota, file too big, a broken pipe) is the output's, whatever the reading side
   * called it — a full output disk is not the source's fault.
   */
  static RuntimeException copyFailure(Path target, StowageException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io && (IoFailures.isFull(io) || IoFailures.isDenied(io))) {
        return IoFailures.onWrite("cannot write " + DisplayText.of(target.toString()), io);
      }
    }
    return e;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }
}
