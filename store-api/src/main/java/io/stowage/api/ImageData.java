package io.stowage.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Bytes being read from a store: exactly {@link #size()} of them, from {@link #channel()}.
 * Close it when done. Not thread-safe: one reader at a time.
 */
public interface ImageData extends Closeable {

  /** How many bytes this read yields (the range's length, not the image's size). */
  long size();

  /** The bytes, read sequentially. The same channel on every call. */
  ReadableByteChannel channel();

  /**
   * Copies every remaining byte to {@code target} and returns how many were copied.
   * Implementations backed by files override this to copy without passing through the heap.
   *
   * @throws StoreIOException if reading or writing fails
   */
  default long transferTo(WritableByteChannel target) {
    ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
    long total = 0;
    try {
      while (channel().read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          total += target.write(buffer);
        }
        buffer.clear();
      }
      return total;
    } catch (IOException e) {
      throw new StoreIOException("copying image data failed: " + e.getMessage(), e);
    }
  }

  /** The bytes as a stream; closing the stream closes this. */
  default InputStream stream() {
    return Channels.newInputStream(channel());
  }

  /** Releases the underlying file or connection. */
  @Override
  void close();

}
