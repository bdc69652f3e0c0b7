package io.stowage.api.store;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The digest lanes behind both {@link ImageMeter} (pull: it reads the data into blocks) and
 * {@link ImageHasher} (push: it copies what it is given into blocks): a pool of {@link #DEPTH}
 * blocks, and one {@link DigestLane} per digest, each hashing every block once, in order, on a
 * thread of its own. A block goes back to the pool when every lane and every other user the
 * caller named has released it, so the pool bounds the memory in flight and makes the producer
 * wait for the slowest lane. One producer thread; lanes run on shared daemon threads.
 */
final class DigestLanes {
  /** Blocks in flight: enough that the slowest digest never starves the others. */
  static final int DEPTH = 4;

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService DIGESTERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "stowage-digest-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private final BlockingQueue<Block> pool = new ArrayBlockingQueue<>(DEPTH);
  private final List<DigestLane> lanes = new ArrayList<>();

  DigestLanes(int blockSize, List<MessageDigest> digests) {
    for (int i = 0; i < DEPTH; i++) {
      pool.add(new Block(blockSize, pool));
    }
    for (MessageDigest digest : digests) {
      lanes.add(new DigestLane(digest, DIGESTERS));
    }
  }

  /** A free block, waiting for one while all are in flight. */
  Block take() throws InterruptedException {
    return pool.take();
  }

  /** Returns a block taken but not submitted. */
  void recycle(Block block) {
    pool.add(block);
  }

  /**
   * Hands the first {@code length} bytes of {@code block} to every lane, and to {@code others}
   * users of the caller's, each of which must {@link Block#release} it once.
   */
  void submit(Block block, int length, int others) {
    block.length = length;
    block.share(lanes.size() + others);
    for (DigestLane lane : lanes) {
      lane.submit(block);
    }
    if (lanes.isEmpty() && others == 0) {
      pool.add(block);
    }
  }

  /** Waits for every lane to hash what it was given; the digests in the lanes' order. */
  List<byte[]> finish() throws InterruptedException {
    List<byte[]> digests = new ArrayList<>(lanes.size());
    for (DigestLane lane : lanes) {
      digests.add(lane.finish());
    }
    return digests;
  }

  /** Stops every lane without waiting; blocks still queued are released unread. */
  void abandon() {
    for (DigestLane lane : lanes) {
      lane.abandon();
    }
  }
}
