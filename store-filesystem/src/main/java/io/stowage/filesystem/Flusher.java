package io.stowage.filesystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Starts writeback of a file while it is still being written, one {@code fdatasync} at a time on
 * another thread, so the disk works while the add hashes and the flush at the end has little
 * left to do. Used by durable adds only.
 */
final class Flusher {
  /** Bytes written between two flushes. */
  static final long STEP = 32L << 20;

  private final FileChannel file;
  private final Executor executor;
  private long requested;
  private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);

  Flusher(FileChannel file, Executor executor) {
    this.file = file;
    this.executor = executor;
  }

  /** Told how many bytes have been written; starts a flush if enough are new and none runs. */
  void written(long total) {
    if (total - requested >= STEP && running.isDone()) {
      requested = total;
      running = CompletableFuture.runAsync(this::flush, executor);
    }
  }

  /** Waits for the running flush, if any. */
  void await() throws IOException {
    try {
      running.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw e;
    }
  }

  private void flush() {
    try {
      file.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
