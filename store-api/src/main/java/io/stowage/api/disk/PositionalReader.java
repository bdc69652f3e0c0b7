package io.stowage.api.disk;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/**
 * Whole ranges of the image a {@link DiskFormat} is handed, read at given positions: what a format
 * parser needs of the channel. On a {@link FileChannel} the reads are positional (no shared
 * position, so parallel readers do not disturb each other); on any other channel they seek and
 * read under the channel's lock.
 *
 * <p>Thread-safe. The size is read once, when made: an image that shrinks afterwards reads as
 * damaged, never as a runtime exception.
 */
public final class PositionalReader {
  private final SeekableByteChannel channel;
  private final long size;

  /**
   * A reader of {@code channel}, which stays the caller's to close.
   *
   * @throws StoreIOException the channel's size cannot be read
   */
  public PositionalReader(SeekableByteChannel channel) {
    this.channel = channel;
    try {
      this.size = channel.size();
    } catch (IOException e) {
      throw new StoreIOException("cannot read the image's size: " + e.getMessage(), e);
    }
  }

  /** The image's length in bytes, as it was when this reader was made. */
  public long size() {
    return size;
  }

  /**
   * Fills {@code dst}'s remaining bytes from {@code position} on.
   *
   * @throws InvalidImageDataException the image ends before {@code dst} is full
   * @throws StoreIOException reading failed
   */
  public void readFully(long position, ByteBuffer dst) {
    try {
      if (channel instanceof FileChannel file) {
        long p = position;
        while (dst.hasRemaining()) {
          int n = file.read(dst, p);
          if (n < 0) {
            throw endsAt(p);
          }
          p += n;
        }
      } else {
        synchronized (channel) {
          channel.position(position);
          while (dst.hasRemaining()) {
            if (channel.read(dst) < 0) {
              throw endsAt(channel.position());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot read the image: " + e.getMessage(), e);
    }
  }

  private static InvalidImageDataException endsAt(long offset) {
    return new InvalidImageDataException(
        "the image ends early, at offset " + offset + " (it shrank while being read)");
  }
}
