package io.stowage.vhdx;

import io.stowage.api.disk.PositionalReader;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** A {@link Source} over a channel: an image file, or the channel a format is handed. */
final class ChannelSource implements Source {
  private final PositionalReader reader;

  ChannelSource(SeekableByteChannel channel) {
    this.reader = new PositionalReader(channel);
  }

  @Override
  public long size() {
    return reader.size();
  }

  @Override
  public void read(long position, ByteBuffer dst) {
    check(position, dst.remaining(), "data");
    reader.readFully(position, dst);
  }
}
