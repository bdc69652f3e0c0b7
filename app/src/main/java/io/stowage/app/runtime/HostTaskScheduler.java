package io.stowage.app.runtime;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.TaskScheduler;
import io.stowage.api.UnavailableException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's {@link TaskScheduler}: daemon threads started on the first schedule (commands that
 * schedule nothing start none), each task run with the context class loader of the thread that
 * scheduled it (the plugin's, since plugins are called through their boundary), failures logged
 * and the schedule kept. {@link #close} interrupts running tasks and waits briefly for them.
 */
final class HostTaskScheduler implements TaskScheduler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostTaskScheduler.class);
  private static final int THREADS = 2;

  private final AtomicInteger threads = new AtomicInteger();
  private ScheduledThreadPoolExecutor executor;
  private boolean closed;

  private synchronized ScheduledThreadPoolExecutor executor(String name) {
    if (closed) {
      throw new UnavailableException("the host is closing; cannot schedule " + name);
    }
    if (executor == null) {
      executor = new ScheduledThreadPoolExecutor(THREADS, r -> {
        Thread t = new Thread(r, "stowage-task-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }
    return executor;
  }

  @Override
  public Scheduled once(String name, Duration delay, Runnable task) {
    return schedule(name, task, (ex, r) -> ex.schedule(r, nanos(delay), TimeUnit.NANOSECONDS));
  }

  @Override
  public Scheduled repeatedly(String name, Duration initialDelay, Duration period, Runnable task) {
    if (period.isNegative() || period.isZero()) {
      throw new InvalidRequestException("the period of " + name + " must be positive, not " + period);
    }
    return schedule(name, task, (ex, r) ->
        ex.scheduleWithFixedDelay(r, nanos(initialDelay), nanos(period), TimeUnit.NANOSECONDS));
  }

  private interface Submit {
    Future<?> to(ScheduledThreadPoolExecutor executor, Runnable task);
  }

  private Scheduled schedule(String name, Runnable task, Submit submit) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Runnable guarded = () -> {
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        task.run();
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("background task {} failed; it stays scheduled", name, e);
      } finally {
        thread.setContextClassLoader(previous);
      }
    };
    try {
      Future<?> future = submit.to(executor(name), guarded);
      return () -> future.cancel(false);
    } catch (RejectedExecutionException e) {
      throw new UnavailableException("the host is closing; cannot schedule " + name);
    }
  }

  private static long nanos(Duration d) {
    return Math.max(0, d.toNanos());
  }

  @Override
  public void close() {
    ScheduledThreadPoolExecutor running;
    synchronized (this) {
      closed = true;
      running = executor;
    }
    if (running == null) {
      return;
    }
    running.shutdownNow();
    try {
      if (!running.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("background tasks did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
