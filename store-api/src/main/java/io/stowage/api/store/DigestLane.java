package io.stowage.api.store;

import java.security.MessageDigest;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One digest computed on its own thread over the blocks of an add, in order, while the add's
 * thread goes on reading and writing. Blocks are released after hashing whatever happens, so
 * the reader is never stuck waiting for a buffer.
 */
final class DigestLane {
  private static final Block END = new Block(0, new LinkedBlockingQueue<>());

  private final MessageDigest digest;
  private final BlockingQueue<Block> queue = new LinkedBlockingQueue<>();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private volatile boolean abandoned;

  DigestLane(MessageDigest digest, Executor executor) {
    this.digest = digest;
    executor.execute(this::run);
  }

  /** Queues a block; the lane releases it once hashed. */
  void submit(Block block) {
    queue.add(block);
  }

  /** Waits for every queued block and returns the digest. */
  byte[] finish() throws InterruptedException {
    queue.add(END);
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("hashing failed", e.getCause());
    }
  }

  /** Stops hashing; queued blocks are released unread. Does not wait. */
  void abandon() {
    abandoned = true;
    queue.add(END);
  }

  private void run() {
    try {
      while (true) {
        Block block = queue.take();
        if (block == END) {
          break;
        }
        try {
          if (!abandoned) {
            digest.update(block.bytes, 0, block.length);
          }
        } finally {
          block.release();
        }
      }
      result.complete(digest.digest());
    } catch (Throwable t) {
      result.completeExceptionally(t);
      for (Block block; (block = queue.poll()) != null; ) {
        if (block != END) {
          block.release();
        }
      }
    }
  }
}
