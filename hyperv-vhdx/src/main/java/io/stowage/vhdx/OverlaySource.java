package io.stowage.vhdx;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file as it would be after its log is replayed, without writing it: the log's sector writes
 * and zeroed ranges laid over the file in memory. Writes are 4 KiB aligned; later ones win.
 */
final class OverlaySource implements Source {
  /** A replaced range: {@code data} of its length, or zeros when {@code data} is null. */
  private record Segment(long start, long length, byte[] data) {
    long end() {
      return start + length;
    }
  }

  private final Source base;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private long size;

  OverlaySource(Source base) {
    this.base = base;
    this.size = base.size();
  }

  void write(long offset, byte[] sector) {
    put(new Segment(offset, sector.length, sector));
  }

  void zero(long offset, long length) {
    put(new Segment(offset, length, null));
  }

  private void put(Segment s) {
    long start = s.start;
    long end = s.end();
    Map.Entry<Long, Segment> before = segments.lowerEntry(start);
    if (before != null && before.getValue().end() > start) {
      Segment b = before.getValue();
      segments.put(b.start, slice(b, b.start, start));
      if (b.end() > end) {
        segments.put(end, slice(b, end, b.end()));
      }
    }
    for (Segment o : segments.subMap(start, true, end, false).values().toArray(Segment[]::new)) {
      segments.remove(o.start);
      if (o.end() > end) {
        segments.put(end, slice(o, end, o.end()));
      }
    }
    segments.put(start, s);
    size = Math.max(size, end);
  }

  private static Segment slice(Segment s, long from, long to) {
    if (s.data == null) {
      return new Segment(from, to - from, null);
    }
    byte[] d = new byte[(int) (to - from)];
    System.arraycopy(s.data, (int) (from - s.start), d, 0, d.length);
    return new Segment(from, d.length, d);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long position, ByteBuffer dst) {
    check(position, dst.remaining(), "data");
    long pos = position;
    while (dst.hasRemaining()) {
      Map.Entry<Long, Segment> e = segments.floorEntry(pos);
      Segment cur = e != null && e.getValue().end() > pos ? e.getValue() : null;
      if (cur == null) {
        Long next = segments.higherKey(pos);
        long until = next == null ? Long.MAX_VALUE : next;
        int n = (int) Math.min(dst.remaining(), until - pos);
        long fromBase = Math.max(0, Math.min(n, base.size() - pos));
        ByteBuffer part = dst.slice().limit((int) fromBase);
        base.read(pos, part);
        for (int i = (int) fromBase; i < n; i++) {
          dst.put(dst.position() + i, (byte) 0);
        }
        dst.position(dst.position() + n);
        pos += n;
      } else {
        int n = (int) Math.min(dst.remaining(), cur.end() - pos);
        if (cur.data == null) {
          for (int i = 0; i < n; i++) {
            dst.put((byte) 0);
          }
        } else {
          dst.put(cur.data, (int) (pos - cur.start), n);
        }
        pos += n;
      }
    }
  }
}
