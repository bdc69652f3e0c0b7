package io.stowage.diskformats;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/** {@link ImageBytes} of a channel: positional reads on a file, seek-and-read otherwise. */
final class ChannelBytes implements ImageBytes {
  private final SeekableByteChannel channel;
  private final long size;

  ChannelBytes(SeekableByteChannel channel) {
    this.channel = channel;
    try {
      this.size = channel.size();
    } catch (IOException e) {
      throw new StoreIOException("cannot read the image's size: " + e.getMessage(), e);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) {
    try {
      long p = position;
      if (channel instanceof FileChannel fc) {
        while (dst.hasRemaining()) {
          int n = fc.read(dst, p);
          if (n < 0) {
            throw shrunk(p);
          }
          p += n;
        }
      } else {
        channel.position(position);
        while (dst.hasRemaining()) {
          if (channel.read(dst) < 0) {
            throw shrunk(channel.position());
          }
        }
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot read the image: " + e.getMessage(), e);
    }
  }

  private static InvalidImageDataException shrunk(long at) {
    return new InvalidImageDataException("the image ends early, at offset " + at
        + " (it shrank while being inspected)");
  }
}
