package io.stowage.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A range of an image file, made by {@link ImageData#ofFile}. {@link #transferTo} hands the copy to the kernel
 * ({@code sendfile}/{@code copy_file_range}) so the bytes never pass through the heap.
 */
final class FileImageData implements ImageData {
  private final Path file;
  private final FileChannel channel;
  private final long start;
  private final long size;
  private long done;
  private final ReadableByteChannel view = new View();

  FileImageData(Path file, FileChannel channel, long start, long size) {
    this.file = file;
    this.channel = channel;
    this.start = start;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public ReadableByteChannel channel() {
    return view;
  }

  @Override
  public long transferTo(WritableByteChannel target) {
    long copied = 0;
    try {
      while (done < size) {
        long n = channel.transferTo(start + done, size - done, target);
        if (n <= 0 && start + done >= channel.size()) {
          throw new StoreIOException(file + " was truncated while it was being read");
        }
        done += n;
        copied += n;
      }
      return copied;
    } catch (IOException e) {
      throw IoFailures.onRead("reading " + file, e);
    }
  }

  @Override
  public Optional<FileRegion> fileRegion() {
    return Optional.of(new FileRegion(channel, start + done, size - done));
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw IoFailures.onRead("closing " + file, e);
    }
  }

  private final class View implements ReadableByteChannel {
    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      if (done >= size) {
        return -1;
      }
      int want = (int) Math.min(dst.remaining(), size - done);
      if (want == 0) {
        return 0;
      }
      int n;
      if (want == dst.remaining()) {
        // The usual case (a caller's buffer no larger than what is left): straight into it.
        n = channel.read(dst, start + done);
      } else {
        // Only the range's last read needs a view that stops at its end.
        ByteBuffer slice = dst.slice().limit(want);
        n = channel.read(slice, start + done);
        if (n > 0) {
          dst.position(dst.position() + n);
        }
      }
      if (n < 0) {
        throw new IOException(file + " was truncated while it was being read");
      }
      done += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {
      FileImageData.this.close();
    }
  }
}
