package io.stowage.diskformats;

import io.stowage.api.disk.PositionalReader;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** {@link ImageBytes} of the channel a format is handed. */
final class ChannelBytes implements ImageBytes {
  private final PositionalReader reader;

  ChannelBytes(SeekableByteChannel channel) {
    this.reader = new PositionalReader(channel);
  }

  @Override
  public long size() {
    return reader.size();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) {
    reader.readFully(position, dst);
  }
}
