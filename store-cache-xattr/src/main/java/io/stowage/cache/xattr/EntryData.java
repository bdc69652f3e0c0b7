package io.stowage.cache.xattr;

import io.stowage.api.IoFailures;

import io.stowage.api.ImageData;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A committed entry open for reading. Entries never change once committed (a delete unlinks
 * the name; this descriptor keeps reading the same bytes), so the channel is the file's own.
 */
final class EntryData implements ImageData {
  private final FileChannel channel;
  private final long size;

  EntryData(FileChannel channel, long size) {
    this.channel = channel;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public ReadableByteChannel channel() {
    return channel;
  }

  /** Copies in the kernel ({@code sendfile}/{@code copy_file_range}) where the target allows. */
  @Override
  public long transferTo(WritableByteChannel target) {
    try {
      long start = channel.position();
      long position = start;
      while (position < size) {
        long n = channel.transferTo(position, size - position, target);
        if (n <= 0) {
          break;
        }
        position += n;
      }
      channel.position(position);
      return position - start;
    } catch (IOException e) {
      throw new StoreIOException("copying a cache entry failed: " + IoFailures.describe(e), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // A read-only descriptor: nothing was lost.
    }
  }
}
