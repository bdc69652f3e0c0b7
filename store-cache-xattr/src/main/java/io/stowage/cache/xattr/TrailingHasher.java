package io.stowage.cache.xattr;

import io.stowage.api.HashAlgorithm;
import io.stowage.api.Multihash;
import io.stowage.api.StoreIOException;
import io.stowage.api.store.ImageHasher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The digests of an entry being written, computed from the entry's temporary file a little
 * behind the writer: the writer only {@link #advance advances} the end of what is written; a
 * thread of this hasher reads the new bytes back (from the page cache, where the write just put
 * them) and pushes them into an {@link ImageHasher}, whose lanes hash them, each digest on a
 * thread of its own.
 *
 * <p>Why behind and from the file: a download teed into the cache is sent at the speed of its
 * serving thread, and a digest is slower than that (md5 and sha512 ≈ 1.6 s of CPU per GiB here,
 * where sending takes about a third of it). Digests fed from the writer's buffers hold the
 * writer back once their few blocks are all in flight, so the download would go at the digest's
 * pace; fed from the file they catch up after the last byte is sent, and only the commit waits
 * for them (it happens after the response). It also checks what the entry file holds rather
 * than what was handed to the write. The cost is one more read of the bytes (a page-cache copy,
 * ≈ 0.1 s per GiB).
 *
 * <p>Thread-safety: {@link #advance}, {@link #finish} and {@link #close} are called by the one
 * thread that writes; the hashing thread is this class's own and is never interrupted (an
 * interrupt would close the writer's channel).
 */
final class TrailingHasher {
  private static final int READ = 1 << 20;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final FileChannel file;
  private final ImageHasher hasher;
  private final Thread thread;
  private final CompletableFuture<List<Multihash>> result = new CompletableFuture<>();
  private volatile long end;
  private long signalled; // the writer's: the end at its last wake-up call
  private volatile boolean ended;
  private volatile boolean abandoned;

  TrailingHasher(FileChannel file, List<HashAlgorithm> algorithms) {
    this.file = file;
    this.hasher = ImageHasher.start(algorithms);
    this.thread = new Thread(this::run, "stowage-cache-hash-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
  }

  /** The bytes before {@code written} are in the file: hash them. */
  void advance(long written) {
    end = written;
    // Woken once per block's worth, not per write: a writer fed in small pieces (the
    // prefetcher's transferTo writes 8 KiB at a time) would otherwise wake it for each.
    if (written - signalled >= READ) {
      signalled = written;
      LockSupport.unpark(thread);
    }
  }

  /**
   * Waits until every byte before the last {@link #advance} end is hashed; the digests in the
   * algorithms' order.
   *
   * @throws StoreIOException reading the file back failed, or this thread was interrupted
   */
  List<Multihash> finish() {
    ended = true;
    LockSupport.unpark(thread);
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new StoreIOException("waiting for the cache entry's checksum was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof StoreIOException s ? s
          : new StoreIOException("hashing the cache entry failed: " + cause.getMessage(), cause);
    }
  }

  /** Stops hashing (without waiting); the file may be closed right after. Idempotent. */
  void close() {
    abandoned = true;
    LockSupport.unpark(thread);
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(READ);
    long position = 0;
    try {
      while (!abandoned) {
        boolean last = ended; // read before end: every advance happened before finish
        long until = end;
        if (position < until) {
          buffer.clear().limit((int) Math.min(READ, until - position));
          int n = file.read(buffer, position);
          if (n < 0) {
            throw new IOException("the cache entry's file is shorter than written");
          }
          buffer.flip();
          hasher.update(buffer);
          position += n;
        } else if (last) {
          result.complete(hasher.finish());
          return;
        } else {
          LockSupport.park(this);
        }
      }
      result.completeExceptionally(new StoreIOException("hashing the cache entry was abandoned"));
    } catch (IOException e) {
      result.completeExceptionally(new StoreIOException(
          "reading the cache entry back to hash it failed: " + e.getMessage(), e));
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
    } finally {
      hasher.close(); // no-op once finished
    }
  }
}
