package io.stowage.filesystem;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The aligned direct buffers {@link DirectSink} writes from, kept for the next add: direct
 * memory is released only when the garbage collector gets round to a dropped buffer, so
 * allocating a few per add would let it pile up towards the JVM's direct-memory limit between
 * collections. At most {@link #KEPT} are kept ({@code KEPT * SIZE} = 16 MiB); adds beyond that
 * allocate and drop theirs. Thread-safe.
 */
final class IoBuffers {
  /** The size of every buffer: a multiple of {@link #ALIGNMENT}. */
  static final int SIZE = 4 * 1024 * 1024;

  /** The address alignment of every buffer: direct I/O needs the file system's block size. */
  static final int ALIGNMENT = 4096;

  private static final int KEPT = 4;
  private static final BlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(KEPT);

  private IoBuffers() {}

  /** A cleared buffer of {@link #SIZE} bytes whose address is a multiple of {@link #ALIGNMENT}. */
  static ByteBuffer take() {
    ByteBuffer b = FREE.poll();
    if (b == null) {
      b = ByteBuffer.allocateDirect(SIZE + ALIGNMENT).alignedSlice(ALIGNMENT).limit(SIZE).slice();
    }
    return b.clear();
  }

  /** Returns a buffer from {@link #take}; it must not be used afterwards. */
  static void give(ByteBuffer buffer) {
    FREE.offer(buffer);
  }
}
