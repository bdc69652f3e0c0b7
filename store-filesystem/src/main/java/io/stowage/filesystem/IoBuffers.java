package io.stowage.filesystem;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * The aligned direct buffers {@link DirectSink} writes from, kept for the next add: direct
 * memory is released only when the garbage collector gets round to a dropped buffer, so
 * allocating a few per add would let it pile up towards the JVM's direct-memory limit between
 * collections. Every add may {@link #take} a few; beyond those, the process lends spares to adds
 * whose disk has fallen behind ({@link #takeSpare}): a quarter of the JVM's direct-memory limit,
 * at most {@link #MOST_SPARES}. Idle buffers are kept up to {@code 4 + MOST_SPARES}; adds beyond
 * that allocate and drop theirs. When the JVM has no direct memory left for one, {@link #take}
 * says so instead of failing. Thread-safe.
 */
final class IoBuffers {
  /** The size of every buffer: a multiple of {@link #ALIGNMENT}. */
  static final int SIZE = 4 * 1024 * 1024;

  /** The address alignment of every buffer: direct I/O needs the file system's block size. */
  static final int ALIGNMENT = 4096;

  /** The most spares a process lends (256 MiB). */
  static final int MOST_SPARES = 64;

  private static final BlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(4 + MOST_SPARES);

  private IoBuffers() {}

  /**
   * A cleared buffer of {@link #SIZE} bytes whose address is a multiple of {@link #ALIGNMENT};
   * empty when the JVM's direct memory ({@code -XX:MaxDirectMemorySize}, by default the maximum
   * heap) has no room for another (many adds at once under a small heap): the caller then makes
   * do with the buffers it has, or writes through the page cache.
   */
  static Optional<ByteBuffer> take() {
    ByteBuffer b = FREE.poll();
    if (b == null) {
      try {
        b = ByteBuffer.allocateDirect(SIZE + ALIGNMENT).alignedSlice(ALIGNMENT).limit(SIZE).slice();
      } catch (OutOfMemoryError e) {
        // the direct-memory reservation was refused (after a garbage collection): not the heap
        return Optional.empty();
      }
    }
    return Optional.of(b.clear());
  }

  /**
   * A buffer as {@link #take} gives, counted against the process's spares; empty at
   * once when all are lent (ask again later), or when the JVM refuses one (which retires that
   * spare, so that no later add pays for the refusal again). Give it back with {@link
   * #giveSpare}.
   */
  static Optional<ByteBuffer> takeSpare() {
    if (!Spares.LENDABLE.tryAcquire()) {
      return Optional.empty();
    }
    return take(); // if refused, the permit stays taken: this spare is never asked for again
  }

  /** Returns a buffer from {@link #take}; it must not be used afterwards. */
  static void give(ByteBuffer buffer) {
    FREE.offer(buffer);
  }

  /** Returns a buffer from {@link #takeSpare}; it must not be used afterwards. */
  static void giveSpare(ByteBuffer buffer) {
    give(buffer);
    Spares.LENDABLE.release();
  }

  /** The spares not lent now; for tests. */
  static int sparesLendable() {
    return Spares.LENDABLE.availablePermits();
  }

  // Counted when the first spare is asked for: the management bean costs start-up time that a
  // command whose disk keeps up need not pay.
  private static final class Spares {
    static final int COUNT = (int) Math.min(MOST_SPARES, directMemoryLimit() / 4 / SIZE);
    /** Spares not lent; a refusal of the JVM retires one for good. */
    static final Semaphore LENDABLE = new Semaphore(COUNT);

    private static long directMemoryLimit() {
      try {
        long set = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
            .getVMOption("MaxDirectMemorySize").getValue());
        if (set > 0) {
          return set;
        }
      } catch (RuntimeException e) {
        // not HotSpot: its default below
      }
      return Runtime.getRuntime().maxMemory(); // HotSpot's default limit
    }
  }
}
