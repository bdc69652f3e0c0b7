package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/** The ranges of a stream that were kept while it went past, as a {@link Source}. */
final class SegmentSource implements Source {
  private final TreeMap<Long, byte[]> kept = new TreeMap<>();
  private long size = Long.MAX_VALUE;

  /** Keeps {@code length} bytes at {@code offset}, filled later by {@link #offer}. */
  void keep(long offset, int length) {
    kept.put(offset, new byte[length]);
  }

  /** Keeps bytes already at hand, such as a stream's last bytes. */
  void put(long offset, byte[] bytes) {
    kept.put(offset, bytes);
  }

  /** Copies the part of a stream chunk at {@code position} that falls in kept ranges. */
  void offer(long position, ByteBuffer chunk) {
    long end = position + chunk.remaining();
    Map.Entry<Long, byte[]> first = kept.floorEntry(position);
    Long from = first != null ? first.getKey() : position;
    for (Map.Entry<Long, byte[]> e : kept.subMap(from, true, end, false).entrySet()) {
      long s = Math.max(e.getKey(), position);
      long t = Math.min(e.getKey() + e.getValue().length, end);
      if (s < t) {
        chunk.get(chunk.position() + (int) (s - position), e.getValue(),
            (int) (s - e.getKey()), (int) (t - s));
      }
    }
  }

  void setSize(long size) {
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long position, ByteBuffer dst) {
    check(position, dst.remaining(), "data");
    Map.Entry<Long, byte[]> e = kept.floorEntry(position);
    if (e == null || position + dst.remaining() > e.getKey() + e.getValue().length) {
      throw new InvalidImageDataException(
          "the structure at offset " + position + " lies outside the parts of the stream"
              + " an inspection keeps (header section, BAT, metadata, log)");
    }
    dst.put(e.getValue(), (int) (position - e.getKey()), dst.remaining());
  }
}
