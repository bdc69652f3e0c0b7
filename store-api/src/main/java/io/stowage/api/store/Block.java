package io.stowage.api.store;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A buffer of image data shared by the digest lanes of one {@link DigestLanes} (and, in an
 * {@link ImageMeter} copy, the sink). It goes back to its pool when the last of them {@link
 * #release releases} it, so the producer never overwrites bytes a digest has not seen.
 */
final class Block {
  final byte[] bytes;
  int length;
  private final AtomicInteger users = new AtomicInteger();
  private final BlockingQueue<Block> pool;

  Block(int size, BlockingQueue<Block> pool) {
    this.bytes = new byte[size];
    this.pool = pool;
  }

  /** Hands the block to {@code n} users; each must call {@link #release} once. */
  void share(int n) {
    users.set(n);
  }

  void release() {
    if (users.decrementAndGet() == 0) {
      pool.add(this);
    }
  }
}
