package io.stowage.app.cli;

import io.stowage.api.ProgressListener;
import java.io.PrintStream;
import java.util.OptionalLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of an upload or download on stderr: a bar with rate and time left on a terminal
 * (me.tongfei:progressbar), else a plain line at most once a second and one at the end. Fed
 * from one thread.
 */
abstract class TransferProgress implements ProgressListener, AutoCloseable {

  /** A bar when {@code err} is the process's stderr on a terminal, else plain lines. */
  static TransferProgress on(PrintStream err, String verb, OptionalLong total) {
    boolean terminal = err == System.err && System.console() != null;
    return terminal ? new Bar(err, verb, total) : new Lines(err, verb);
  }

  /** Reports {@code bytes} done so far. */
  abstract void update(long bytes, OptionalLong total);

  @Override
  public void onProgress(long bytesWritten, OptionalLong declaredSize) {
    update(bytesWritten, declaredSize);
  }

  @Override
  public abstract void close();

  private static final class Bar extends TransferProgress {
    private final ProgressBar bar;

    Bar(PrintStream err, String verb, OptionalLong total) {
      this.bar = new ProgressBarBuilder()
          .setTaskName(verb)
          .setInitialMax(total.orElse(-1))
          .setUnit("MiB", 1 << 20)
          .showSpeed()
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(250)
          .setConsumer(new ConsoleProgressBarConsumer(err))
          .build();
    }

    @Override
    void update(long bytes, OptionalLong total) {
      if (total.isPresent() && bar.getMax() != total.getAsLong()) {
        bar.maxHint(total.getAsLong());
      }
      bar.stepTo(bytes);
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  private static final class Lines extends TransferProgress {
    private final PrintStream err;
    private final String verb;
    private final long start = System.nanoTime();
    private long last = System.nanoTime();
    private long bytes;
    private OptionalLong total = OptionalLong.empty();
    private boolean any;

    Lines(PrintStream err, String verb) {
      this.err = err;
      this.verb = verb;
    }

    @Override
    void update(long done, OptionalLong declared) {
      bytes = done;
      total = declared.isPresent() ? declared : total;
      any = true;
      long now = System.nanoTime();
      if (now - last >= 1_000_000_000L) {
        last = now;
        err.println(line(now));
      }
    }

    private String line(long now) {
      double seconds = Math.max(1e-9, (now - start) / 1e9);
      double rate = bytes / seconds;
      StringBuilder sb = new StringBuilder(verb).append(' ').append(bytes);
      if (total.isPresent()) {
        long t = total.getAsLong();
        sb.append(" of ").append(t).append(" bytes (")
            .append(t == 0 ? 100 : bytes * 100 / t).append("%)");
      } else {
        sb.append(" bytes");
      }
      sb.append(String.format(" at %.1f MiB/s", rate / (1 << 20)));
      if (total.isPresent() && rate > 0 && bytes < total.getAsLong()) {
        sb.append(String.format(", %.0f s left", (total.getAsLong() - bytes) / rate));
      }
      return sb.toString();
    }

    @Override
    public void close() {
      if (any) {
        err.println(line(System.nanoTime()));
      }
    }
  }
}
