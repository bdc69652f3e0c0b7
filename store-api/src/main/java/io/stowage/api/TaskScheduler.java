package io.stowage.api;

import java.time.Duration;

/**
 * Background work for plugins (cache pruning, expiry, flushing), run on the host's threads and
 * stopped when the host closes. A provider gets it by asking for it in an {@code @Inject}
 * constructor. Thread-safe.
 *
 * <p>A task runs with the scheduling plugin's class loader as the thread's context class loader.
 * A task that throws is reported and keeps its schedule (unlike a bare
 * {@link java.util.concurrent.ScheduledExecutorService}, which silently drops it). Tasks must be
 * short or check {@link Thread#isInterrupted()}: closing the host interrupts running tasks and
 * runs no more.
 */
public interface TaskScheduler {

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @param name what the task does, for reports (for example {@code cache-prune})
   * @throws UnavailableException the host is closing
   */
  Scheduled once(String name, Duration delay, Runnable task);

  /**
   * Runs {@code task} repeatedly: first after {@code initialDelay}, then {@code period} after each
   * run ends (runs never overlap).
   *
   * @throws UnavailableException the host is closing
   * @throws InvalidRequestException {@code period} is not positive
   */
  Scheduled repeatedly(String name, Duration initialDelay, Duration period, Runnable task);

  /** A scheduled task. */
  interface Scheduled {
    /** Runs it no more; a run under way finishes. Idempotent. */
    void cancel();
  }
}
