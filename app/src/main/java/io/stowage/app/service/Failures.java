package io.stowage.app.service;

import io.stowage.api.BadLocationException;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.DataStreamException;
import io.stowage.api.DuplicateException;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.LockedException;
import io.stowage.api.NotFoundException;
import io.stowage.api.PluginFailureException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.StorageFullException;
import io.stowage.api.StoreIOException;
import io.stowage.api.StowageException;
import io.stowage.api.UnavailableException;
import io.stowage.api.UnknownSchemeException;
import io.stowage.api.UnsupportedStoreOperationException;
import io.stowage.api.WriteDeniedException;
import io.stowage.app.plugin.PluginErrors;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one table from a failure to what a user sees: the CLI's exit code, the HTTP status
 * (Glance's choices), and a one-line message without a stack trace. Every
 * {@link StowageException} leaf has a row; anything else is an internal error (a bug).
 */
public final class Failures {
  /** Exit code of every operational failure. */
  public static final int EXIT_FAILED = 1;
  /** Exit code of a command line that is wrong (unknown option, missing argument). */
  public static final int EXIT_USAGE = 2;

  private record Row(int exitCode, int httpStatus) {}

  private static final Map<Class<? extends StowageException>, Row> TABLE = Map.ofEntries(
      Map.entry(NotFoundException.class, new Row(EXIT_FAILED, 404)),
      Map.entry(DuplicateException.class, new Row(EXIT_FAILED, 409)),
      Map.entry(LockedException.class, new Row(EXIT_FAILED, 409)),
      Map.entry(StorageFullException.class, new Row(EXIT_FAILED, 413)),
      Map.entry(SizeCapExceededException.class, new Row(EXIT_FAILED, 413)),
      Map.entry(WriteDeniedException.class, new Row(EXIT_FAILED, 503)),
      Map.entry(UnavailableException.class, new Row(EXIT_FAILED, 503)),
      Map.entry(InvalidRequestException.class, new Row(EXIT_FAILED, 400)),
      Map.entry(SizeMismatchException.class, new Row(EXIT_FAILED, 400)),
      Map.entry(DataStreamException.class, new Row(EXIT_FAILED, 400)),
      Map.entry(BadLocationException.class, new Row(EXIT_FAILED, 400)),
      Map.entry(UnknownSchemeException.class, new Row(EXIT_FAILED, 400)),
      Map.entry(UnsupportedStoreOperationException.class, new Row(EXIT_FAILED, 405)),
      Map.entry(InvalidImageDataException.class, new Row(EXIT_FAILED, 415)),
      Map.entry(BadStoreConfigurationException.class, new Row(EXIT_FAILED, 500)),
      Map.entry(StoreIOException.class, new Row(EXIT_FAILED, 500)),
      Map.entry(PluginFailureException.class, new Row(EXIT_FAILED, 500)));

  private static final Row INTERNAL = new Row(EXIT_FAILED, 500);

  private Failures() {}

  private static Row row(Throwable failure) {
    return TABLE.getOrDefault(failure.getClass(), INTERNAL);
  }

  /** The CLI's exit code for {@code failure}. */
  public static int exitCode(Throwable failure) {
    return row(failure).exitCode();
  }

  /** The HTTP status for {@code failure}. */
  public static int httpStatus(Throwable failure) {
    return row(failure).httpStatus();
  }

  /**
   * One line for the user: the message of an SPI error as it is; anything else is
   * {@code internal error: <type>: <message>}.
   */
  public static String message(Throwable failure) {
    if (failure instanceof StowageException) {
      return firstLine(failure.getMessage());
    }
    if (failure instanceof UncheckedIOException u && u.getCause() != null) {
      return firstLine(u.getCause().getMessage());
    }
    return "internal error: " + PluginErrors.oneLine(failure);
  }

  // One short line: a message that quoted a huge input whole is cut, with its length said.
  private static String firstLine(String s) {
    return shortLine(s == null ? "" : s.strip().split("\\R", 2)[0]);
  }

  /**
   * {@code line} cut to 1000 characters (with its length said) and with control characters
   * shown as {@code ?}: a message that quotes a huge or hostile input stays one short line.
   */
  public static String shortLine(String line) {
    String cut = line.length() <= 1000 ? line
        : line.substring(0, 1000) + "… (" + line.length() + " characters)";
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
