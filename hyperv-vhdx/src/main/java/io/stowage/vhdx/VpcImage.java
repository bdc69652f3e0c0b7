package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.SafetyFinding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated legacy VHD (Virtual PC) file: footer (at the end, and its copy at 0 for dynamic
 * and differencing disks), dynamic header and BAT. Virtual size follows qemu's rules.
 */
final class VpcImage {
  static final int FIXED = 2;
  static final int DYNAMIC = 3;
  static final int DIFFERENCING = 4;
  static final long MAX_DYNAMIC_SIZE = 2040L << 30;
  static final long MAX_BLOCK = 256L << 20;
  static final int MAX_ENTRIES = 1 << 22;
  private static final long MAX_CHS_SECTORS = 65535L * 16 * 255;

  final Source source;
  final ByteBuffer footer;
  final int type;
  final long virtualSize;
  final long blockSize;
  final long bitmapSize;
  final int[] bat;
  final ByteBuffer dynHeader;
  final long allocated;

  private VpcImage(Source source, ByteBuffer footer, int type, long virtualSize, long blockSize,
      int[] bat, ByteBuffer dynHeader, long allocated) {
    this.source = source;
    this.footer = footer;
    this.type = type;
    this.virtualSize = virtualSize;
    this.blockSize = blockSize;
    this.bitmapSize = blockSize == 0 ? 0 : VhdxLayout.roundUp(blockSize / (8 * 512), 512);
    this.bat = bat;
    this.dynHeader = dynHeader;
    this.allocated = allocated;
  }

  static boolean isFooter(ByteBuffer b) {
    return b.remaining() >= 8 && "conectix".equals(VhdxHeader.ascii(b, b.position(), 8));
  }

  static VpcImage open(Source src) {
    try {
      return parse(src);
    } catch (RuntimeException e) {
      if (e instanceof io.stowage.api.StowageException) {
        throw e;
      }
      throw new InvalidImageDataException("damaged VHD: " + e, e);
    }
  }

  private static VpcImage parse(Source src) {
    long size = src.size();
    if (size < 512) {
      throw new InvalidImageDataException("a VHD file is at least 512 bytes; this is " + size);
    }
    ByteBuffer f = src.read(0, 512, "VHD footer copy").order(ByteOrder.BIG_ENDIAN);
    boolean copyAtStart = isFooter(f);
    if (!copyAtStart) {
      f = src.read(size - 512, 512, "VHD footer").order(ByteOrder.BIG_ENDIAN);
      if (!isFooter(f)) {
        throw new InvalidImageDataException("not a VHD file: no \"conectix\" footer");
      }
    }
    checksum(f, 64, 512, "footer");
    int type = f.getInt(60);
    if (type != FIXED && type != DYNAMIC && type != DIFFERENCING) {
      throw new InvalidImageDataException("VHD disk type " + type + " is not 2, 3 or 4");
    }
    if (!copyAtStart && type != FIXED) {
      throw new InvalidImageDataException("a dynamic VHD lacks its footer copy at offset 0");
    }
    long current = f.getLong(48);
    long chs = (long) (f.getShort(56) & 0xFFFF) * (f.get(58) & 0xFF) * (f.get(59) & 0xFF);
    String creator = VhdxHeader.ascii(f, 28, 4);
    boolean useChs = !List.of("win ", "qem2", "d2v ", "CTXS").contains(creator)
        && !creator.equals("tap\0");
    long virtualSize = (!useChs || chs == MAX_CHS_SECTORS) ? current : chs * 512;
    if (virtualSize < 0 || virtualSize % 512 != 0) {
      throw new InvalidImageDataException(
          "VHD size " + Long.toUnsignedString(virtualSize) + " is not a whole number of sectors");
    }
    if (type == FIXED) {
      if (virtualSize > size - 512) {
        throw new InvalidImageDataException("the fixed VHD's " + virtualSize
            + " bytes of data do not fit its " + size + "-byte file: truncated");
      }
      return new VpcImage(src, f, type, virtualSize, 0, new int[0], ByteBuffer.allocate(0), 0);
    }
    if (virtualSize > MAX_DYNAMIC_SIZE) {
      throw new InvalidImageDataException("VHD size " + virtualSize + " exceeds 2040 GiB");
    }
    long dynOffset = f.getLong(16);
    if (dynOffset < 512 || dynOffset > size - 1024 - 512) {
      throw new InvalidImageDataException(
          "the VHD dynamic header offset " + Long.toUnsignedString(dynOffset)
              + " is outside the file");
    }
    ByteBuffer d = src.read(dynOffset, 1024, "VHD dynamic header").order(ByteOrder.BIG_ENDIAN);
    if (!"cxsparse".equals(VhdxHeader.ascii(d, 0, 8))) {
      throw new InvalidImageDataException("the VHD dynamic header lacks \"cxsparse\"");
    }
    checksum(d, 36, 1024, "dynamic header");
    long blockSize = d.getInt(32) & 0xFFFFFFFFL;
    if (blockSize < 512 || blockSize > MAX_BLOCK || Long.bitCount(blockSize) != 1) {
      throw new InvalidImageDataException(
          "VHD block size " + blockSize + " is not a power of two from 512 bytes to 256 MiB");
    }
    long entries = d.getInt(28) & 0xFFFFFFFFL;
    if (entries > MAX_ENTRIES) {
      throw new InvalidImageDataException("the VHD claims " + entries + " BAT entries");
    }
    if (entries * blockSize < virtualSize) {
      throw new InvalidImageDataException("the VHD's " + entries + " BAT entries of "
          + blockSize + " bytes do not cover its " + virtualSize + " bytes");
    }
    long batOffset = d.getLong(16);
    src.check(batOffset, entries * 4, "the VHD BAT");
    ByteBuffer raw = src.read(batOffset, (int) (entries * 4), "the VHD BAT")
        .order(ByteOrder.BIG_ENDIAN);
    int[] bat = new int[(int) entries];
    raw.asIntBuffer().get(bat);
    VpcImage img = new VpcImage(src, f, type, virtualSize, blockSize, bat, d, 0);
    long allocated = img.checkBlocks(size, Math.max(batOffset + entries * 4, dynOffset + 1024));
    return new VpcImage(src, f, type, virtualSize, blockSize, bat, d, allocated);
  }

  private long checkBlocks(long size, long dataStart) {
    long span = bitmapSize + blockSize;
    long[] offsets = new long[bat.length];
    int n = 0;
    for (int i = 0; i < bat.length; i++) {
      if (bat[i] == -1) {
        continue;
      }
      long off = (bat[i] & 0xFFFFFFFFL) * 512;
      if (off < dataStart || off > size || span > size - off) {
        throw new InvalidImageDataException(
            "VHD block " + i + " at offset " + off + " lies outside the file's data area");
      }
      offsets[n++] = off;
    }
    Arrays.sort(offsets, 0, n);
    for (int i = 1; i < n; i++) {
      if (offsets[i] - offsets[i - 1] < span) {
        throw new InvalidImageDataException(
            "VHD blocks at offsets " + offsets[i - 1] + " and " + offsets[i] + " overlap");
      }
    }
    return n;
  }

  private static void checksum(ByteBuffer b, int at, int len, String what) {
    int sum = 0;
    for (int i = 0; i < len; i++) {
      if (i < at || i >= at + 4) {
        sum += b.get(i) & 0xFF;
      }
    }
    if (~sum != b.getInt(at)) {
      throw new InvalidImageDataException("the VHD " + what + " checksum is wrong");
    }
  }

  DiskInfo info() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", type == FIXED ? "fixed" : type == DYNAMIC ? "dynamic" : "differencing");
    d.put("creator_app", VhdxHeader.ascii(footer, 28, 4).replace("\0", ""));
    d.put("current_size", footer.getLong(48));
    d.put("original_size", footer.getLong(40));
    d.put("geometry", (footer.getShort(56) & 0xFFFF) + "/" + (footer.get(58) & 0xFF) + "/"
        + (footer.get(59) & 0xFF));
    d.put("disk_id", uuid(footer, 68));
    List<SafetyFinding> safety = new ArrayList<>();
    if (type != FIXED) {
      d.put("block_size", blockSize);
      d.put("max_table_entries", bat.length);
      d.put("allocated_blocks", allocated);
    }
    if (type == DIFFERENCING) {
      String name = parentName();
      d.put("parent_id", uuid(dynHeader, 40));
      d.put("parent_name", name);
      safety.add(new SafetyFinding("parent_reference",
          "differencing disk whose guest data comes partly from parent " + uuid(dynHeader, 40)
              + " (" + name + ")"));
    }
    d.put("file_size", source.size());
    return new DiskInfo("vpc", virtualSize, d, safety);
  }

  String parentName() {
    byte[] b = new byte[512];
    dynHeader.get(64, b);
    String s = new String(b, StandardCharsets.UTF_16BE);
    int end = s.indexOf('\0');
    return end < 0 ? s : s.substring(0, end);
  }

  static String uuid(ByteBuffer b, int at) {
    ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
    return new java.util.UUID(be.getLong(at), be.getLong(at + 8)).toString();
  }
}
