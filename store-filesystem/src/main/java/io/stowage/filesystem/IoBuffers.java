package io.stowage.filesystem;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The aligned direct buffers {@link DirectSink} writes from, kept for the next add: direct
 * memory is released only when the garbage collector gets round to a dropped buffer, so
 * allocating a few per add would let it pile up towards the JVM's direct-memory limit between
 * collections. At most {@link #KEPT} are kept ({@code KEPT * SIZE} = 16 MiB); adds beyond that
 * allocate and drop theirs; when the JVM has no direct memory left for one, {@link #take} says so
 * instead of failing. Thread-safe.
 */
final class IoBuffers {
  /** The size of every buffer: a multiple of {@link #ALIGNMENT}. */
  static final int SIZE = 4 * 1024 * 1024;

  /** The address alignment of every buffer: direct I/O needs the file system's block size. */
  static final int ALIGNMENT = 4096;

  private static final int KEPT = 4;
  private static final BlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(KEPT);

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

  /** Returns a buffer from {@link #take}; it must not be used afterwards. */
  static void give(ByteBuffer buffer) {
    FREE.offer(buffer);
  }
}
