package io.stowage.app.cli;

/** The command line is wrong in a way only the command can tell (exit code 2). */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
