package io.stowage.diskformats;

import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.StreamInspector;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A format whose metadata sits in the image's first bytes (and, for some, its last bytes), so
 * one parser serves both a file and a stream: {@link #inspect} parses the file, and the stream
 * inspector keeps the first {@link #headLength} and last {@link #tailLength()} bytes and parses
 * those at the end. Memory per stream: at most {@link CapturingInspector#MAX_HEAD} plus the tail.
 */
abstract class HeaderFormat implements DiskFormat {

  /** Parses and validates the image. @throws io.stowage.api.InvalidImageDataException damage */
  abstract DiskInfo parse(ImageBytes image);

  /** How many first bytes {@link #headLength} needs to decide. */
  abstract int prefixLength();

  /**
   * How many first bytes the parser reads, decided from the first {@link #prefixLength()} (fewer
   * if the stream is shorter). Damage found here is left for {@link #parse} to report.
   */
  abstract long headLength(ByteBuffer prefix);

  /** How many last bytes the parser reads; 0 for most formats. */
  int tailLength() {
    return 0;
  }

  @Override
  public final DiskInfo inspect(SeekableByteChannel image) {
    return parse(new ChannelBytes(image));
  }

  @Override
  public final StreamInspector streamInspector() {
    return new CapturingInspector(this);
  }
}
