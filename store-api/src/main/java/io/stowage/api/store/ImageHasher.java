package io.stowage.api.store;

import io.stowage.api.HashAlgorithm;
import io.stowage.api.Multihash;
import io.stowage.api.StoreIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Digests of bytes pushed to it, computed on other threads: the push-style counterpart of
 * {@link ImageMeter} (which pulls from a stream), on the same digest lanes. {@link #update}
 * only copies the bytes into a pooled block (1 MiB; a few in flight); each digest then hashes
 * every block on a thread of its own, in parallel with the caller and with each other. Made
 * for bytes passing through on their way somewhere else — a download teed into the cache —
 * where hashing on the passing thread would put every digest's cost on the critical path.
 *
 * <pre>{@code
 * try (ImageHasher hasher = ImageHasher.start(List.of(HashAlgorithm.SHA512))) {
 *   while (...) { hasher.update(buffer); ... }
 *   Multihash sha512 = hasher.finish().get(0);
 * }
 * }</pre>
 *
 * <p>The caller waits in {@link #update} only while every block is still being hashed (the
 * memory in flight is bounded; the slowest digest sets the pace once the caller is faster).
 * {@link #close} without {@link #finish} abandons the digests without waiting.
 *
 * <p>Not thread-safe: one thread pushes, finishes and closes. Independent hashers are.
 */
public final class ImageHasher implements AutoCloseable {
  private final List<HashAlgorithm> algorithms;
  private final DigestLanes lanes;
  private Block block;
  private int filled;
  private boolean ended;

  private ImageHasher(List<HashAlgorithm> algorithms, int blockSize) {
    this.algorithms = List.copyOf(algorithms);
    List<java.security.MessageDigest> digests = new ArrayList<>();
    for (HashAlgorithm a : this.algorithms) {
      digests.add(a.newDigest());
    }
    this.lanes = new DigestLanes(digests.isEmpty() ? 0 : blockSize, digests);
  }

  /**
   * Starts hashing with each of {@code algorithms} (none is allowed: then nothing is copied).
   */
  public static ImageHasher start(List<HashAlgorithm> algorithms) {
    return new ImageHasher(algorithms, ImageMeter.DEFAULT_BLOCK_SIZE);
  }

  /** {@link #start(List)} with blocks of {@code blockSize} bytes (tests: many hand-offs). */
  static ImageHasher start(List<HashAlgorithm> algorithms, int blockSize) {
    return new ImageHasher(algorithms, blockSize);
  }

  /**
   * Adds {@code src}'s remaining bytes to every digest. Copies them before returning; {@code
   * src}'s position and limit are left as they were.
   *
   * @throws IllegalStateException after {@link #finish} or {@link #close}
   * @throws StoreIOException the thread was interrupted while waiting for a block (its flag is
   *     set again)
   */
  public void update(ByteBuffer src) {
    if (ended) {
      throw new IllegalStateException("the hasher was finished or closed");
    }
    if (algorithms.isEmpty()) {
      return;
    }
    ByteBuffer in = src.duplicate();
    try {
      while (in.hasRemaining()) {
        if (block == null) {
          block = lanes.take();
          filled = 0;
        }
        int n = Math.min(in.remaining(), block.bytes.length - filled);
        in.get(block.bytes, filled, n);
        filled += n;
        if (filled == block.bytes.length) {
          submit();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreIOException("hashing was interrupted", e);
    }
  }

  private void submit() {
    Block full = block;
    block = null;
    lanes.submit(full, filled, 0);
  }

  /**
   * Waits for every digest to take in all the bytes pushed; the digests in the order of the
   * algorithms given to {@link #start}.
   *
   * @throws IllegalStateException after {@link #finish} or {@link #close}
   * @throws StoreIOException the thread was interrupted while waiting (its flag is set again)
   */
  public List<Multihash> finish() {
    if (ended) {
      throw new IllegalStateException("the hasher was finished or closed");
    }
    ended = true;
    if (block != null) {
      submit();
    }
    try {
      List<byte[]> digests = lanes.finish();
      List<Multihash> result = new ArrayList<>(digests.size());
      HexFormat hex = HexFormat.of();
      for (int i = 0; i < digests.size(); i++) {
        result.add(new Multihash(algorithms.get(i), hex.formatHex(digests.get(i))));
      }
      return List.copyOf(result);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lanes.abandon();
      throw new StoreIOException("hashing was interrupted", e);
    }
  }

  /** Abandons the digests unless finished; does not wait. Idempotent; never throws. */
  @Override
  public void close() {
    if (!ended) {
      ended = true;
      if (block != null) {
        lanes.recycle(block);
        block = null;
      }
      lanes.abandon();
    }
  }
}
