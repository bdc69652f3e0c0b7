package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import static io.stowage.vhdx.VhdxLayout.HEADER_SECTION;
import static io.stowage.vhdx.VhdxLayout.MIB;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and validates a VHDX file's headers, region table and metadata. */
final class VhdxParser {
  private static final int MAX_REGION_ENTRIES = 2047;
  private static final int MAX_METADATA_ENTRIES = 2047;
  private static final long METADATA_TABLE_SIZE = 64 * 1024;

  private VhdxParser() {}

  /** The current header and its index, after checking the file identifier. */
  record Current(VhdxHeader header, int index) {}

  static Current headers(Source src) {
    if (src.size() < HEADER_SECTION) {
      throw new InvalidImageDataException(
          "a VHDX file is at least 1 MiB; this one is " + src.size() + " bytes");
    }
    ByteBuffer id = src.read(0, 8, "file identifier");
    if (!"vhdxfile".equals(VhdxHeader.ascii(id, 0, 8))) {
      throw new InvalidImageDataException("not a VHDX file: no \"vhdxfile\" identifier");
    }
    VhdxHeader[] h = new VhdxHeader[2];
    ByteBuffer[] raw = new ByteBuffer[2];
    StringBuilder[] why = {new StringBuilder(), new StringBuilder()};
    for (int i = 0; i < 2; i++) {
      raw[i] = src.read(VhdxHeader.OFFSETS[i], VhdxHeader.SIZE, "header " + (i + 1));
      h[i] = VhdxHeader.parse(raw[i], why[i]).orElse(null);
    }
    if (h[0] == null && h[1] == null) {
      throw new InvalidImageDataException(
          "both VHDX headers are invalid (header 1: " + why[0] + "; header 2: " + why[1] + ")");
    }
    int cur;
    if (h[0] == null || h[1] == null) {
      cur = h[0] == null ? 1 : 0;
    } else if (h[0].sequenceNumber() == h[1].sequenceNumber()) {
      if (!raw[0].equals(raw[1])) {
        throw new InvalidImageDataException(
            "both VHDX headers have sequence number "
                + Long.toUnsignedString(h[0].sequenceNumber())
                + " but differ");
      }
      cur = 0;
    } else {
      cur = Long.compareUnsigned(h[0].sequenceNumber(), h[1].sequenceNumber()) > 0 ? 0 : 1;
    }
    VhdxHeader c = h[cur];
    if (c.logVersion() != 0) {
      throw new InvalidImageDataException("log version " + c.logVersion() + " is not 0");
    }
    if (!c.logGuid().isZero() || c.logLength() != 0) {
      if (c.logLength() == 0 || c.logLength() % MIB != 0 || c.logOffset() % MIB != 0) {
        throw new InvalidImageDataException(
            "log at "
                + c.logOffset()
                + " (length "
                + c.logLength()
                + ") is not a non-empty, 1 MiB-aligned region");
      }
      if (c.logOffset() < HEADER_SECTION) {
        throw new InvalidImageDataException("the log overlaps the header section");
      }
      src.check(c.logOffset(), c.logLength(), "the log");
    }
    return new Current(c, cur);
  }

  /** Parses regions and metadata (from {@code src}, which may carry a replayed log). */
  static VhdxLayout layout(Source src, Current current) {
    long[] bat = null;
    long[] meta = null;
    String firstFailure = null;
    for (int t = 0; t < 2 && bat == null; t++) {
      ByteBuffer b =
          src.read(
              VhdxLayout.REGION_TABLE_OFFSETS[t],
              (int) VhdxLayout.REGION_TABLE_SIZE,
              "region table " + (t + 1));
      if (!"regi".equals(VhdxHeader.ascii(b, 0, 4))) {
        firstFailure = firstFailure == null ? "region table 1 has a bad signature" : firstFailure;
        continue;
      }
      if (b.getInt(4) != Checked.crc32c(b, (int) VhdxLayout.REGION_TABLE_SIZE, 4)) {
        firstFailure = firstFailure == null ? "region table 1 has a bad CRC-32C" : firstFailure;
        continue;
      }
      long[][] r = regions(src, b, current.header(), t + 1);
      bat = r[0];
      meta = r[1];
    }
    if (bat == null) {
      throw new InvalidImageDataException(
          "both region tables are invalid (" + firstFailure + ", and so is region table 2)");
    }
    return metadata(src, current, bat, meta);
  }

  private static long[][] regions(Source src, ByteBuffer b, VhdxHeader header, int table) {
    long count = b.getInt(8) & 0xFFFFFFFFL;
    if (count > MAX_REGION_ENTRIES) {
      throw new InvalidImageDataException(
          "region table " + table + " claims " + count + " entries (at most 2047)");
    }
    long[] bat = null;
    long[] meta = null;
    List<long[]> used = new ArrayList<>();
    used.add(new long[] {0, HEADER_SECTION});
    if (header.logLength() != 0) {
      used.add(new long[] {header.logOffset(), header.logLength()});
    }
    for (int i = 0; i < count; i++) {
      int e = 16 + 32 * i;
      Guid id = Guid.read(b, e);
      long off = b.getLong(e + 16);
      long len = b.getInt(e + 24) & 0xFFFFFFFFL;
      boolean required = (b.getInt(e + 28) & 1) != 0;
      boolean known = id.equals(VhdxLayout.BAT_REGION) || id.equals(VhdxLayout.METADATA_REGION);
      if (!known && required) {
        throw new InvalidImageDataException("unknown required region " + id);
      }
      if (off < 0 || off % MIB != 0 || len == 0 || len % MIB != 0) {
        throw new InvalidImageDataException(
            "region " + id + " at " + off + " (length " + len + ") is not 1 MiB-aligned");
      }
      src.check(off, len, "region " + id);
      for (long[] u : used) {
        if (off < u[0] + u[1] && u[0] < off + len) {
          throw new InvalidImageDataException(
              "region " + id + " at " + off + " overlaps another structure at " + u[0]);
        }
      }
      used.add(new long[] {off, len});
      if (id.equals(VhdxLayout.BAT_REGION)) {
        if (bat != null) {
          throw new InvalidImageDataException("region table " + table + " has two BAT regions");
        }
        bat = new long[] {off, len};
      } else if (id.equals(VhdxLayout.METADATA_REGION)) {
        if (meta != null) {
          throw new InvalidImageDataException(
              "region table " + table + " has two metadata regions");
        }
        meta = new long[] {off, len};
      }
    }
    if (bat == null || meta == null) {
      throw new InvalidImageDataException(
          "region table " + table + " lacks the " + (bat == null ? "BAT" : "metadata") + " region");
    }
    return new long[][] {bat, meta};
  }

  private static VhdxLayout metadata(Source src, Current current, long[] bat, long[] meta) {
    if (meta[1] < METADATA_TABLE_SIZE) {
      throw new InvalidImageDataException("the metadata region is smaller than its table");
    }
    ByteBuffer t = src.read(meta[0], (int) METADATA_TABLE_SIZE, "metadata table");
    if (!"metadata".equals(VhdxHeader.ascii(t, 0, 8))) {
      throw new InvalidImageDataException("the metadata table has a bad signature");
    }
    int count = t.getShort(10) & 0xFFFF;
    if (count > MAX_METADATA_ENTRIES) {
      throw new InvalidImageDataException(
          "the metadata table claims " + count + " entries (at most 2047)");
    }
    Map<Guid, VhdxLayout.ItemPlace> items = new HashMap<>();
    List<long[]> used = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int e = 32 + 32 * i;
      Guid id = Guid.read(t, e);
      long off = t.getInt(e + 16) & 0xFFFFFFFFL;
      long len = t.getInt(e + 20) & 0xFFFFFFFFL;
      int flags = t.getInt(e + 24);
      boolean required = (flags & 4) != 0;
      if (len == 0 && off == 0) {
        if (required) {
          throw new InvalidImageDataException("required metadata item " + id + " is empty");
        }
        continue;
      }
      if (off < METADATA_TABLE_SIZE || off + len > meta[1]) {
        throw new InvalidImageDataException(
            "metadata item " + id + " at " + off + " (length " + len + ") lies outside its region");
      }
      for (long[] u : used) {
        if (off < u[0] + u[1] && u[0] < off + len) {
          throw new InvalidImageDataException("metadata item " + id + " overlaps another item");
        }
      }
      used.add(new long[] {off, len});
      if (items.put(id, new VhdxLayout.ItemPlace(i, off, len, flags)) != null) {
        throw new InvalidImageDataException("metadata item " + id + " appears twice");
      }
      if (required && !isKnownItem(id)) {
        throw new InvalidImageDataException("unknown required metadata item " + id);
      }
    }
    ByteBuffer fp = item(src, meta[0], items, VhdxLayout.FILE_PARAMETERS, 8, "file parameters");
    long blockSize = fp.getInt(0) & 0xFFFFFFFFL;
    int fpFlags = fp.getInt(4);
    if (blockSize < MIB || blockSize > 256 * MIB || Long.bitCount(blockSize) != 1) {
      throw new InvalidImageDataException(
          "block size " + blockSize + " is not a power of two from 1 MiB to 256 MiB");
    }
    long virtualSize =
        item(src, meta[0], items, VhdxLayout.VIRTUAL_DISK_SIZE, 8, "virtual disk size").getLong(0);
    Guid diskId =
        Guid.read(item(src, meta[0], items, VhdxLayout.VIRTUAL_DISK_ID, 16, "virtual disk id"), 0);
    int lss =
        item(src, meta[0], items, VhdxLayout.LOGICAL_SECTOR_SIZE, 4, "logical sector size")
            .getInt(0);
    int pss =
        item(src, meta[0], items, VhdxLayout.PHYSICAL_SECTOR_SIZE, 4, "physical sector size")
            .getInt(0);
    if (lss != 512 && lss != 4096) {
      throw new InvalidImageDataException("logical sector size " + lss + " is not 512 or 4096");
    }
    if (pss != 512 && pss != 4096) {
      throw new InvalidImageDataException("physical sector size " + pss + " is not 512 or 4096");
    }
    if (virtualSize < 0 || virtualSize > VhdxLayout.MAX_VIRTUAL_SIZE || virtualSize % lss != 0) {
      throw new InvalidImageDataException(
          "virtual size "
              + Long.toUnsignedString(virtualSize)
              + " is not a multiple of "
              + lss
              + " up to 64 TiB");
    }
    boolean hasParent = (fpFlags & 2) != 0;
    Optional<ParentLocator> locator = Optional.empty();
    VhdxLayout.ItemPlace pl = items.get(VhdxLayout.PARENT_LOCATOR);
    if (hasParent) {
      if (pl == null) {
        throw new InvalidImageDataException("a differencing disk lacks its parent locator");
      }
      if (pl.length() > ParentLocator.MAX_LENGTH) {
        throw new InvalidImageDataException(
            "the parent locator is " + pl.length() + " bytes (at most 65536)");
      }
      locator =
          Optional.of(
              ParentLocator.parse(
                  src.read(meta[0] + pl.offset(), (int) pl.length(), "parent locator")));
    }
    long entries =
        VhdxLayout.batEntries(virtualSize, blockSize, lss, hasParent);
    if (Checked.multiply(entries, 8, "BAT size") > bat[1]) {
      throw new InvalidImageDataException(
          "the BAT needs " + entries + " entries but its region holds " + bat[1] / 8);
    }
    return new VhdxLayout(
        src.size(),
        current.header(),
        current.index(),
        bat[0],
        bat[1],
        meta[0],
        meta[1],
        blockSize,
        (fpFlags & 1) != 0,
        hasParent,
        virtualSize,
        diskId,
        lss,
        pss,
        locator,
        Map.copyOf(items),
        count);
  }

  private static boolean isKnownItem(Guid id) {
    return id.equals(VhdxLayout.FILE_PARAMETERS)
        || id.equals(VhdxLayout.VIRTUAL_DISK_SIZE)
        || id.equals(VhdxLayout.VIRTUAL_DISK_ID)
        || id.equals(VhdxLayout.LOGICAL_SECTOR_SIZE)
        || id.equals(VhdxLayout.PHYSICAL_SECTOR_SIZE)
        || id.equals(VhdxLayout.PARENT_LOCATOR);
  }

  private static ByteBuffer item(
      Source src, long region, Map<Guid, VhdxLayout.ItemPlace> items, Guid id, int len, String what) {
    VhdxLayout.ItemPlace p = items.get(id);
    if (p == null) {
      throw new InvalidImageDataException("the metadata lacks the " + what + " item");
    }
    if (p.length() < len) {
      throw new InvalidImageDataException(
          "the " + what + " item is " + p.length() + " bytes, fewer than " + len);
    }
    return src.read(region + p.offset(), len, what);
  }
}
