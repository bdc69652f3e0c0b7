package io.stowage.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import java.util.Optional;

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
   * The {@code size} bytes of {@code file} from {@code start}, read through {@code channel},
   * which the result owns and closes. Whole-range copies go to the kernel
   * ({@code sendfile}/{@code copy_file_range}) and {@link #fileRegion()} is present, so a server
   * can send the bytes without reading them. A file that shrinks while it is read is a
   * {@link StoreIOException}. Not thread-safe: one reader.
   *
   * @param file the file's path, for messages
   */
  static ImageData ofFile(java.nio.file.Path file, FileChannel channel, long start, long size) {
    return new FileImageData(file, channel, start, size);
  }

  /**
   * Copies every remaining byte to {@code target} and returns how many were copied.
   * Implementations backed by files override this to copy without passing through the heap.
   *
   * @throws StoreIOException if reading or writing fails
   */
  default long transferTo(WritableByteChannel target) {
    // Direct: a heap buffer would be copied through a temporary direct buffer by the JDK on
    // every read and every write (and twice per byte where a channel reads and writes, as the
    // cache's tee does).
    ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
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

  /**
   * The region of a local file these bytes are, when they are exactly that: a server may then
   * hand the file to the kernel ({@code sendfile}) instead of reading it. Empty (the default)
   * for anything else. The channel stays owned by this object: do not close it, and do not mix
   * it with reads from {@link #channel()}.
   */
  default Optional<FileRegion> fileRegion() {
    return Optional.empty();
  }

  /**
   * {@code count} bytes of {@code file} from {@code position}.
   *
   * @param file an open channel, read with positional reads only
   */
  record FileRegion(FileChannel file, long position, long count) {
    public FileRegion {
      Objects.requireNonNull(file, "file");
      if (position < 0 || count < 0) {
        throw new InvalidRequestException("a file region starts and ends within the file");
      }
    }
  }

  /** Releases the underlying file or connection. */
  @Override
  void close();

}
