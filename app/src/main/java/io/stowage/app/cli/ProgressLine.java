package io.stowage.app.cli;


import io.stowage.api.ProgressListener;
import java.io.PrintStream;
import java.util.OptionalLong;

/**
 * Progress of an add on stderr: one line, rewritten at most every 200 ms, then finished with a
 * newline at the end of the data. Called on the adding thread only.
 */
final class ProgressLine implements ProgressListener {
  private static final long INTERVAL_NANOS = 200_000_000L;

  private final PrintStream err;
  private long lastPrinted = Long.MIN_VALUE;
  private boolean finished;
  private long lastBytes;

  ProgressLine(PrintStream err) {
    this.err = err;
  }

  @Override
  public void onProgress(long bytesWritten, OptionalLong declaredSize) {
    lastBytes = bytesWritten;
    long now = System.nanoTime();
    boolean done = declaredSize.isPresent() && bytesWritten == declaredSize.getAsLong();
    if (finished || !done && lastPrinted != Long.MIN_VALUE && now - lastPrinted < INTERVAL_NANOS) {
      return;
    }
    lastPrinted = now;
    String line = declaredSize.isPresent() && declaredSize.getAsLong() > 0
        ? String.format("\rstored %d of %d bytes (%d%%)", bytesWritten, declaredSize.getAsLong(),
            bytesWritten * 100 / declaredSize.getAsLong())
        : String.format("\rstored %d bytes", bytesWritten);
    finished = done;
    err.print(done ? line + "\n" : line);
    err.flush();
  }

  /** Ends the line with the final count if the data's size was not known in advance. */
  void end() {
    if (!finished && lastPrinted != Long.MIN_VALUE) {
      finished = true;
      err.println("\rstored " + lastBytes + " bytes");
    }
  }
}
