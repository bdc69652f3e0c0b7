package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Finds the log's active sequence and lays its writes over the file in memory. The file itself
 * is never written here.
 */
final class LogReplay {
  static final int SECTOR = 4096;
  /** Logs are 1 MiB in practice; a bigger one is read whole into memory up to this bound. */
  static final long MAX_LOG = 64L << 20;

  /** The outcome: how many entries the active sequence has, and the file as replayed. */
  record Result(int entries, long lastSequence, Optional<OverlaySource> replayed) {}

  /** A zeroed range ({@code length} bytes), or a sector write from data sector {@code sector}. */
  private record Descriptor(
      boolean zero, long fileOffset, long length, long sector, long leading, int trailing) {}

  private record Entry(
      long offset,
      long length,
      long tail,
      long sequence,
      long flushedFileOffset,
      List<Descriptor> descriptors) {}

  private final byte[] log;
  private final VhdxHeader header;
  private final Map<Long, Optional<Entry>> memo = new HashMap<>();
  private long crcBudget;

  private LogReplay(byte[] log, VhdxHeader header) {
    this.log = log;
    this.header = header;
    this.crcBudget = 8L * log.length + (8L << 20);
  }

  /** Replays the log of {@code src} (whose current header is {@code h}), if it holds any. */
  static Result replay(Source src, VhdxHeader h) {
    if (h.logGuid().isZero()) {
      return new Result(0, 0, Optional.empty());
    }
    if (h.logLength() > MAX_LOG) {
      throw new InvalidImageDataException(
          "the log is " + h.logLength() + " bytes; logs over 64 MiB are not replayed");
    }
    ByteBuffer b = src.read(h.logOffset(), (int) h.logLength(), "the log");
    LogReplay r = new LogReplay(b.array(), h);
    List<Entry> seq = r.activeSequence();
    if (seq.isEmpty()) {
      return new Result(0, 0, Optional.empty());
    }
    Entry last = seq.get(seq.size() - 1);
    if (Long.compareUnsigned(last.flushedFileOffset, src.size()) > 0) {
      throw new InvalidImageDataException(
          "the file is truncated: its log says it had "
              + Long.toUnsignedString(last.flushedFileOffset)
              + " bytes, it has "
              + src.size());
    }
    OverlaySource o = new OverlaySource(src);
    for (Entry e : seq) {
      r.apply(e, o);
    }
    return new Result(seq.size(), last.sequence, Optional.of(o));
  }

  private List<Entry> activeSequence() {
    List<Entry> best = List.of();
    Set<Long> inChains = new HashSet<>();
    for (long s = 0; s < log.length; s += SECTOR) {
      if (inChains.contains(s)) {
        continue;
      }
      Optional<Entry> first = entryAt(s);
      if (first.isEmpty()) {
        continue;
      }
      List<Entry> chain = new ArrayList<>();
      chain.add(first.get());
      long covered = first.get().length;
      while (covered < log.length) {
        Entry prev = chain.get(chain.size() - 1);
        long next = (prev.offset + prev.length) % log.length;
        Optional<Entry> n = entryAt(next);
        if (n.isEmpty() || n.get().sequence != prev.sequence + 1) {
          break;
        }
        chain.add(n.get());
        inChains.add(next);
        covered += n.get().length;
      }
      Entry last = chain.get(chain.size() - 1);
      if (best.isEmpty()
          || Long.compareUnsigned(last.sequence, best.get(best.size() - 1).sequence) > 0) {
        best = chain;
      }
    }
    if (best.isEmpty()) {
      return best;
    }
    long tail = best.get(best.size() - 1).tail;
    for (int i = 0; i < best.size(); i++) {
      if (best.get(i).offset == tail) {
        return best.subList(i, best.size());
      }
    }
    return best;
  }

  private Optional<Entry> entryAt(long offset) {
    Optional<Entry> e = memo.get(offset);
    if (e == null) {
      e = parse(offset);
      memo.put(offset, e);
    }
    return e;
  }

  private ByteBuffer sector(long at) {
    int pos = (int) (at % log.length);
    return ByteBuffer.wrap(log, pos, SECTOR).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private Optional<Entry> parse(long offset) {
    ByteBuffer h = sector(offset);
    if (h.getInt(0) != 0x65676F6C) { // "loge"
      return Optional.empty();
    }
    int checksum = h.getInt(4);
    long length = h.getInt(8) & 0xFFFFFFFFL;
    long tail = h.getInt(12) & 0xFFFFFFFFL;
    long sequence = h.getLong(16);
    long count = h.getInt(24) & 0xFFFFFFFFL;
    Guid guid = Guid.read(h, 32);
    long flushed = h.getLong(48);
    if (length == 0 || length % SECTOR != 0 || length > log.length || tail % SECTOR != 0
        || tail >= log.length || sequence == 0 || !guid.equals(header.logGuid())) {
      return Optional.empty();
    }
    long descSectors = VhdxLayout.ceilDiv(64 + 32 * count, SECTOR);
    if (descSectors > length / SECTOR) {
      return Optional.empty();
    }
    crcBudget -= length;
    if (crcBudget < 0) {
      throw new InvalidImageDataException("the log holds too many overlapping entries");
    }
    CRC32C crc = new CRC32C();
    for (long s = 0; s < length; s += SECTOR) {
      ByteBuffer sec = sector(offset + s);
      if (s == 0) {
        crc.update(sec.duplicate().limit(4));
        crc.update(new byte[4]);
        crc.update(sec.duplicate().position(8));
      } else {
        crc.update(sec);
      }
    }
    if ((int) crc.getValue() != checksum) {
      return Optional.empty();
    }
    List<Descriptor> descs = new ArrayList<>();
    long dataSector = descSectors;
    for (long i = 0; i < count; i++) {
      long at = 64 + 32 * i;
      ByteBuffer d = sector(offset + at / SECTOR * SECTOR).position((int) (at % SECTOR)).slice()
          .order(ByteOrder.LITTLE_ENDIAN);
      int sig = d.getInt(0);
      long fileOffset = d.getLong(16);
      if (d.getLong(24) != sequence || fileOffset < 0 || fileOffset % SECTOR != 0) {
        throw damaged(offset, "descriptor " + i + " has a wrong sequence number or offset");
      }
      if (sig == 0x6F72657A) { // "zero"
        long len = d.getLong(8);
        if (len <= 0 || len % SECTOR != 0 || len > BatScan.MAX_FILE_SIZE - fileOffset) {
          throw damaged(offset, "zero descriptor " + i + " has the bad length " + len);
        }
        descs.add(new Descriptor(true, fileOffset, len, 0, 0, 0));
      } else if (sig == 0x63736564) { // "desc"
        if (dataSector >= length / SECTOR || fileOffset > BatScan.MAX_FILE_SIZE) {
          throw damaged(offset, "data descriptor " + i + " has no data sector or a bad offset");
        }
        ByteBuffer ds = sector(offset + dataSector * SECTOR);
        long seq = (ds.getInt(4) & 0xFFFFFFFFL) << 32 | (ds.getInt(4092) & 0xFFFFFFFFL);
        if (ds.getInt(0) != 0x61746164 || seq != sequence) { // "data"
          throw damaged(offset, "data sector " + dataSector + " is not of this entry");
        }
        descs.add(new Descriptor(false, fileOffset, SECTOR, dataSector, d.getLong(8), d.getInt(4)));
        dataSector++;
      } else {
        throw damaged(offset, "descriptor " + i + " has an unknown signature");
      }
    }
    return Optional.of(new Entry(offset, length, tail, sequence, flushed, descs));
  }

  private static InvalidImageDataException damaged(long entry, String why) {
    return new InvalidImageDataException("log entry at log offset " + entry + ": " + why);
  }

  private void apply(Entry e, OverlaySource o) {
    for (Descriptor d : e.descriptors) {
      if (d.zero) {
        o.zero(d.fileOffset, d.length);
      } else {
        ByteBuffer ds = sector(e.offset + d.sector * SECTOR);
        byte[] out = new byte[SECTOR];
        ByteBuffer w = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        w.putLong(0, d.leading);
        w.put(8, ds.array(), ds.arrayOffset() + 8, 4084);
        w.putInt(4092, d.trailing);
        o.write(d.fileOffset, out);
      }
    }
  }
}
