package io.stowage.content;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Writes an ingest's bytes to its data file on a second thread, so that the caller's thread only
 * copies them and hashes them: ingest time is then about the hashing time instead of hashing
 * plus writing. The caller's bytes are copied into one of {@value #BUFFERS} reused direct buffers
 * of {@value #BUFFER_SIZE} bytes; a full buffer is queued to the writing thread, which appends it
 * at the file's offset and hands it back. When all buffers are in flight the caller waits, so at
 * most {@code BUFFERS × BUFFER_SIZE} bytes are ahead of the file.
 *
 * <p>Errors: the first failure of the writing thread stops it; the caller's next
 * {@link #write}, {@link #mark} or {@link #drain} throws it, once, and the pipeline is finished
 * (what follows throws {@link IllegalStateException}). The file then holds a prefix of what was
 * given, never other bytes. {@link #close} stops the thread without reporting.
 *
 * <p>Not thread-safe: one caller thread.
 */
final class WritePipeline implements AutoCloseable {
  static final int BUFFERS = 4;
  static final int BUFFER_SIZE = 1 << 20;

  /** What the writing thread runs: a buffer to append, a marker, or the end. */
  private sealed interface Job permits Append, Marker, End {}

  private record Append(ByteBuffer buffer) implements Job {}

  private record Marker(Runnable action) implements Job {}

  private record End() implements Job {}

  private final FileChannel file;
  private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(BUFFERS + 8);
  /** Buffers the writing thread has written and handed back. */
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
  private final Thread thread;
  private int allocated;
  private ByteBuffer filling;
  private volatile IOException failure;
  private boolean finished;
  /** Where the writing thread appends next; written by it only. */
  private long position;

  WritePipeline(FileChannel file, long position, String name) {
    this.file = file;
    this.position = position;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Copies the remaining bytes of {@code bytes} for writing, consuming them. */
  void write(ByteBuffer bytes) throws IOException {
    check();
    while (bytes.hasRemaining()) {
      if (filling == null) {
        filling = take();
      }
      int n = Math.min(filling.remaining(), bytes.remaining());
      ByteBuffer slice = bytes.slice(bytes.position(), n);
      filling.put(slice);
      bytes.position(bytes.position() + n);
      if (!filling.hasRemaining()) {
        submit();
      }
    }
  }

  /**
   * Runs {@code action} on the writing thread once every byte given before this call is in the
   * file (written, not synced), and in order with the writes. The action must not throw.
   */
  void mark(Runnable action) throws IOException {
    check();
    if (filling != null && filling.position() > 0) {
      submit();
    }
    put(new Marker(action));
  }

  /** Waits until every byte given is in the file (not synced), or throws the first failure. */
  void drain() throws IOException {
    check();
    if (filling != null && filling.position() > 0) {
      submit();
    }
    CountDownLatch done = new CountDownLatch(1);
    put(new Marker(done::countDown));
    try {
      while (!done.await(50, TimeUnit.MILLISECONDS)) {
        if (failure != null || !thread.isAlive()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(new InterruptedIOException("interrupted while writing"));
    }
    check();
  }

  /** Stops the writing thread after what is queued, without reporting failures. Idempotent. */
  @Override
  public void close() {
    if (finished && !thread.isAlive()) {
      return;
    }
    finished = true;
    queue.clear();
    if (!queue.offer(new End())) {
      thread.interrupt();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
        thread.interrupt();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void check() throws IOException {
    if (finished) {
      throw new IllegalStateException("the ingest's writes stopped after an error");
    }
    IOException f = failure;
    if (f != null) {
      throw fail(f);
    }
  }

  /** Ends the pipeline and returns {@code e} to throw: a failure surfaces once. */
  private IOException fail(IOException e) {
    close();
    return e;
  }

  private void submit() throws IOException {
    ByteBuffer b = filling;
    filling = null;
    b.flip();
    put(new Append(b));
  }

  private void put(Job job) throws IOException {
    try {
      while (!queue.offer(job, 50, TimeUnit.MILLISECONDS)) {
        check();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(new InterruptedIOException("interrupted while writing"));
    }
  }

  private ByteBuffer take() throws IOException {
    // Allocated lazily: a small ingest uses one buffer.
    ByteBuffer b = free.poll();
    if (b == null && allocated < BUFFERS) {
      allocated++;
      b = ByteBuffer.allocateDirect(BUFFER_SIZE);
    }
    try {
      while (b == null) {
        b = free.poll(50, TimeUnit.MILLISECONDS);
        if (b == null) {
          check();
          if (!thread.isAlive()) {
            throw fail(new IOException("the ingest's writing thread stopped"));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(new InterruptedIOException("interrupted while writing"));
    }
    b.clear();
    return b;
  }

  private void run() {
    try {
      while (true) {
        Job job = queue.take();
        if (job instanceof End) {
          return;
        }
        if (job instanceof Marker m) {
          m.action().run();
          continue;
        }
        ByteBuffer b = ((Append) job).buffer();
        while (b.hasRemaining()) {
          position += file.write(b, position);
        }
        free.add(b);
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      // Closed.
    } catch (RuntimeException | Error e) {
      failure = new IOException("writing failed: " + e, e);
    }
  }

  /** The failure of the writing thread, if any (for tests). */
  Optional<IOException> failure() {
    return Optional.ofNullable(failure);
  }
}
