package io.stowage.content;

import io.stowage.api.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TaskScheduler} on one thread, as the host's, counting runs and cancellations (the
 * host's own is in app, which store-content does not depend on).
 */
final class TestScheduler implements TaskScheduler, AutoCloseable {
  final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  final AtomicInteger runs = new AtomicInteger();
  final AtomicInteger cancelled = new AtomicInteger();

  @Override
  public Scheduled once(String name, Duration delay, Runnable task) {
    ScheduledFuture<?> f = executor.schedule(counted(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    return cancel(f);
  }

  @Override
  public Scheduled repeatedly(String name, Duration initialDelay, Duration period, Runnable task) {
    ScheduledFuture<?> f = executor.scheduleWithFixedDelay(counted(task), initialDelay.toMillis(),
        period.toMillis(), TimeUnit.MILLISECONDS);
    return cancel(f);
  }

  private Runnable counted(Runnable task) {
    return () -> {
      runs.incrementAndGet();
      task.run();
    };
  }

  private Scheduled cancel(ScheduledFuture<?> f) {
    return () -> {
      cancelled.incrementAndGet();
      f.cancel(false);
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
