package io.stowage.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Optional;

/**
 * Standard output that does not lose its write errors. A {@link PrintStream} swallows them (a
 * full disk, {@code /dev/full}, a closed or broken pipe), so a command would report success
 * for output nobody got: this stream throws them to the writer and remembers the first, which
 * {@link Cli} turns into exit 1 and one line. Not thread-safe (one command writes it).
 */
final class CheckedOutput extends OutputStream {
  private final OutputStream target;
  private IOException failure;

  CheckedOutput(OutputStream target) {
    this.target = target;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    failIfFailed();
    try {
      target.write(b, off, len);
      check();
    } catch (IOException e) {
      throw remember(e);
    }
  }

  @Override
  public void flush() throws IOException {
    failIfFailed();
    try {
      target.flush();
      check();
    } catch (IOException e) {
      throw remember(e);
    }
  }

  private void failIfFailed() throws IOException {
    if (failure != null) {
      throw failure;
    }
  }

  // A PrintStream given as the target (tests, embedders) only says that something failed.
  private void check() throws IOException {
    if (target instanceof PrintStream p && p.checkError()) {
      throw new IOException("write error");
    }
  }

  private IOException remember(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return failure;
  }

  /** The first write error, if any: after it, nothing more is written. */
  Optional<IOException> failure() {
    return Optional.ofNullable(failure);
  }

  /** The one line for a failed standard output: the reason, never a stack trace. */
  static String message(IOException e) {
    return "cannot write to standard output: " + io.stowage.api.IoFailures.describe(e);
  }

  /**
   * Thrown by a command whose result could not be written after it changed something (put's
   * record): its message says what was done, so the user can still find it.
   */
  static final class ResultLost extends RuntimeException {
    ResultLost(String message, IOException cause) {
      super(message, cause);
    }
  }

  /** Flushes and throws {@link ResultLost} ({@code done}, and the reason) if output failed. */
  void requireWritten(String done) {
    try {
      flush();
    } catch (IOException e) {
      // remembered below
    }
    if (failure != null) {
      throw new ResultLost(done + ", but " + message(failure), failure);
    }
  }
}
