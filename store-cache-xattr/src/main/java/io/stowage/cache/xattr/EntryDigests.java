package io.stowage.cache.xattr;

import io.stowage.api.HashAlgorithm;
import io.stowage.api.Multihash;
import io.stowage.api.StoreIOException;
import io.stowage.api.store.ImageHasher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * The digests of an entry's file, read back once its last byte is written.
 *
 * <p>Why after and not while it is written: a download teed into the cache is written at the
 * pace of the thread serving it, and a digest costs more than sending does (sha512 ≈ 1.3 s of CPU
 * per GiB here, sending less than half of that). Hashed alongside, the digest takes a core from
 * the download and the client waits for it (on two cores: ≈ 1.3 s instead of ≈ 0.8 s per GiB);
 * hashed after the last byte, the download has the machine and only the commit, which follows
 * the response, waits. Reading the file back also checks what the entry holds rather than what
 * was handed to the write; it costs one copy out of the page cache (≈ 0.1 s per GiB).
 */
final class EntryDigests {
  private static final int READ = 1 << 20;

  private EntryDigests() {
  }

  /**
   * The digests, in {@code algorithms}' order, of the first {@code length} bytes of {@code file}
   * (bytes after them are not part of the entry). Each digest runs on a thread of its own while
   * this one reads; the caller waits for all of them.
   *
   * @throws StoreIOException the file is shorter than {@code length}, or reading it failed
   */
  static List<Multihash> of(FileChannel file, long length, List<HashAlgorithm> algorithms) {
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(READ, length)));
    try (ImageHasher hasher = ImageHasher.start(algorithms)) {
      long position = 0;
      while (position < length) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
        int n = file.read(buffer, position);
        if (n < 0) {
          throw new StoreIOException("the cache entry's file ends at byte " + position
              + " of the " + length + " written");
        }
        buffer.flip();
        hasher.update(buffer);
        position += n;
      }
      return hasher.finish();
    } catch (IOException e) {
      throw new StoreIOException(
          "reading the cache entry back to hash it failed: " + e.getMessage(), e);
    }
  }
}
