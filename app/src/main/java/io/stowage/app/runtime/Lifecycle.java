package io.stowage.app.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the host must release when it closes, registered as it is created (so only what was
 * actually started is stopped): first what was registered with {@link #onCloseFirst}
 * (background work, which must not run against closed stores), then the rest in reverse order
 * of registration (stores before the plugins that made them). Thread-safe.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private final Deque<Entry> first = new ArrayDeque<>();
  private final Deque<Entry> rest = new ArrayDeque<>();
  private boolean closed;

  private record Entry(String what, AutoCloseable resource) {}

  /**
   * Registers {@code resource} to be closed with the host, before what was registered earlier.
   *
   * @throws IllegalStateException the host is already closed
   */
  public synchronized <T extends AutoCloseable> T onClose(String what, T resource) {
    requireOpen(what);
    rest.push(new Entry(what, resource));
    return resource;
  }

  /** Registers {@code resource} to be closed before everything registered with {@link #onClose}. */
  public synchronized <T extends AutoCloseable> T onCloseFirst(String what, T resource) {
    requireOpen(what);
    first.push(new Entry(what, resource));
    return resource;
  }

  private void requireOpen(String what) {
    if (closed) {
      throw new IllegalStateException("the host is closed; cannot start " + what);
    }
  }

  /** Closes everything registered; a failure to close one does not stop the rest. Idempotent. */
  @Override
  public void close() {
    while (true) {
      Entry next;
      synchronized (this) {
        closed = true;
        next = first.isEmpty() ? rest.poll() : first.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.resource().close();
      } catch (Exception | LinkageError e) {
        LOG.warn("closing {} failed", next.what(), e);
      }
    }
  }
}
