package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/** A {@link Source} over a channel; positional reads on a FileChannel, locked seeks otherwise. */
final class ChannelSource implements Source {
  private final SeekableByteChannel channel;
  private final long size;

  ChannelSource(SeekableByteChannel channel) {
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
  public void read(long position, ByteBuffer dst) {
    check(position, dst.remaining(), "data");
    try {
      if (channel instanceof FileChannel fc) {
        long p = position;
        while (dst.hasRemaining()) {
          int n = fc.read(dst, p);
          if (n < 0) {
            throw truncated(p);
          }
          p += n;
        }
      } else {
        synchronized (channel) {
          channel.position(position);
          while (dst.hasRemaining()) {
            if (channel.read(dst) < 0) {
              throw truncated(channel.position());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot read the image: " + e.getMessage(), e);
    }
  }

  private static InvalidImageDataException truncated(long at) {
    return new InvalidImageDataException("the image ends early, at offset " + at);
  }
}
