package io.stowage.content;

import io.stowage.api.content.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes what changes a blob's existence or labels — commit, label update, delete, image
 * reference changes — across threads and processes: 16 stripes by the digest's first hex digit,
 * each a {@link ReentrantLock} for this JVM and an {@code fcntl} lock on
 * {@code locks/blob-<digit>} for other processes. The critical sections are short (a rename, a
 * small file write).
 */
final class BlobLocks implements AutoCloseable {
  private static final int STRIPES = 16;

  private final Path folder;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final FileChannel[] channels = new FileChannel[STRIPES];

  BlobLocks(Path folder) throws IOException {
    this.folder = Files.createDirectories(folder);
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
      Path file = folder.resolve("blob-" + Integer.toHexString(i));
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
    }
  }

  /** A held stripe; close to release. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Blocks until the stripe of {@code digest} is held by this thread in this process. */
  Held lock(Digest digest) throws IOException {
    int stripe = Character.digit(digest.hex().charAt(0), 16);
    ReentrantLock lock = locks[stripe];
    lock.lock();
    try {
      if (lock.getHoldCount() > 1) {
        return lock::unlock;
      }
      if (channels[stripe] == null) {
        channels[stripe] = FileChannel.open(folder.resolve("blob-" + Integer.toHexString(stripe)),
            StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
      }
      FileLock fileLock = channels[stripe].lock();
      return () -> {
        try {
          fileLock.release();
        } catch (IOException e) {
          // The channel stays open; a failed release only happens if it was closed.
        } finally {
          lock.unlock();
        }
      };
    } catch (IOException | RuntimeException e) {
      lock.unlock();
      throw e;
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i].lock();
      try {
        if (channels[i] != null) {
          channels[i].close();
          channels[i] = null;
        }
      } catch (IOException e) {
        // Closing releases nothing we still need.
      } finally {
        locks[i].unlock();
      }
    }
  }
}
