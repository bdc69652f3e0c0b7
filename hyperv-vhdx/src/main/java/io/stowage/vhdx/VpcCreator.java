package io.stowage.vhdx;


import io.stowage.api.InvalidRequestException;
import io.stowage.api.StoreIOException;
import io.stowage.api.disk.DiskSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Makes legacy VHD files laid out as qemu-img lays them: footer copy at 0, dynamic header at
 * 512, BAT at 1536, (differencing: parent locators), blocks appended later, footer at the end.
 * Sizes are rounded up to a whole CHS geometry as qemu-img does, so that every reader —
 * those that use the geometry (qemu, Virtual PC) and those that use the footer's size (Hyper-V,
 * libvhdi) — sees the same disk; above the largest geometry the size is exact.
 */
final class VpcCreator {
  /** This code's creator application; readers that do not know it use the geometry. */
  static final String CREATOR = "stow";
  static final long MAX_GEOMETRY = 65535L * 16 * 255;
  static final long DEFAULT_BLOCK = 2L << 20;
  private static final long EPOCH_2000 = 946684800L;
  private static final long HEADER_AT = 512;
  private static final long BAT_AT = 1536;

  private VpcCreator() {}

  /** Cylinders, heads and sectors per track, and the size they give. */
  record Geometry(int cylinders, int heads, int sectors) {
    long sectorCount() {
      return (long) cylinders * heads * sectors;
    }

    boolean isMax() {
      return sectorCount() == MAX_GEOMETRY;
    }
  }

  static void create(Path target, DiskSpec spec) {
    if (spec.logicalSectorSize().orElse(512) != 512
        || spec.physicalSectorSize().orElse(512) != 512) {
      throw new InvalidRequestException("VHD sectors are 512 bytes");
    }
    if (spec.logSize().isPresent()) {
      throw new InvalidRequestException("VHD files have no log");
    }
    long bs = spec.blockSize().orElse(DEFAULT_BLOCK);
    if (bs < (512 << 10) || bs > VpcImage.MAX_BLOCK || Long.bitCount(bs) != 1) {
      throw new InvalidRequestException(
          "VHD block size " + bs + " is not a power of two from 512 KiB to 256 MiB");
    }
    if (spec.parent().isPresent()) {
      if (spec.blockSize().isPresent()) {
        throw new InvalidRequestException("a differencing VHD has its parent's block size");
      }
      createChild(target, spec);
      return;
    }
    if (spec.virtualSize() <= 0 || spec.virtualSize() > VpcImage.MAX_DYNAMIC_SIZE) {
      throw new InvalidRequestException(
          "VHD size " + spec.virtualSize() + " is not from 1 byte to 2040 GiB");
    }
    Geometry g = geometry(VhdxLayout.ceilDiv(spec.virtualSize(), 512));
    long size = g.isMax() ? VhdxLayout.roundUp(spec.virtualSize(), 512) : g.sectorCount() * 512;
    int type = spec.fixed() ? VpcImage.FIXED : VpcImage.DYNAMIC;
    ByteBuffer footer = footer(type, size, g, UUID.randomUUID());
    AtomicFile.write(target, ch -> {
      if (spec.fixed()) {
        AtomicFile.writeFully(ch, footer, size); // the data before it stays a hole: zeros
      } else {
        writeDynamic(ch, footer, size, bs, header(bs, size), List.of());
      }
    });
  }

  /** A differencing VHD over {@code spec.parent()}, with its parent's size and block size. */
  private static void createChild(Path target, DiskSpec spec) {
    Path parent = spec.parent().orElseThrow();
    VpcImage p;
    try (FileChannel ch = VhdxDisks.openFile(parent)) {
      p = VpcImage.open(new ChannelSource(ch));
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + parent + ": " + e.getMessage(), e);
    }
    if (spec.virtualSize() != 0 && spec.virtualSize() != p.virtualSize) {
      throw new InvalidRequestException(
          "a differencing disk has its parent's size, " + p.virtualSize + " bytes");
    }
    long bs = p.type == VpcImage.FIXED ? DEFAULT_BLOCK : p.blockSize;
    long current = p.footer.getLong(48);
    Geometry g = new Geometry(p.footer.getShort(56) & 0xFFFF, p.footer.get(58) & 0xFF,
        p.footer.get(59) & 0xFF);
    if (g.sectorCount() * 512 != p.virtualSize) {
      // the parent is read by its footer's size: so must the child be, by any reader
      g = new Geometry(65535, 16, 255);
      current = p.virtualSize;
    }
    ByteBuffer footer = footer(VpcImage.DIFFERENCING, current, g, UUID.randomUUID());
    footer.putLong(40, p.footer.getLong(40));
    seal(footer, 64, 512);
    ByteBuffer header = header(bs, p.virtualSize);
    header.put(40, p.footer, 68, 16);
    header.putInt(56, p.footer.getInt(24));
    List<Locator> locators = locators(target, parent);
    String name = parent.getFileName().toString();
    byte[] utf16 = name.getBytes(StandardCharsets.UTF_16BE);
    header.put(64, utf16, 0, Math.min(utf16.length, 510));
    AtomicFile.write(target, ch -> writeDynamic(ch, footer, p.virtualSize, bs, header, locators));
  }

  /** A parent locator entry: platform code and its data. */
  record Locator(int code, byte[] data) {}

  private static List<Locator> locators(Path child, Path parent) {
    Path c = child.toAbsolutePath().normalize();
    Path p = parent.toAbsolutePath().normalize();
    String rel = c.getParent().relativize(p).toString().replace('/', '\\');
    if (!rel.startsWith("..")) {
      rel = ".\\" + rel;
    }
    List<Locator> out = new ArrayList<>();
    out.add(new Locator(VpcParents.W2RU, rel.getBytes(StandardCharsets.UTF_16LE)));
    out.add(new Locator(VpcParents.W2KU,
        p.toString().replace('/', '\\').getBytes(StandardCharsets.UTF_16LE)));
    return out;
  }

  private static void writeDynamic(FileChannel ch, ByteBuffer footer, long size, long bs,
      ByteBuffer header, List<Locator> locators) throws IOException {
    long entries = VhdxLayout.ceilDiv(size, bs);
    long batBytes = VhdxLayout.roundUp(entries * 4, 512);
    if (batBytes > Integer.MAX_VALUE) {
      throw new InvalidRequestException("the VHD BAT would exceed 2 GiB");
    }
    header.putInt(28, (int) entries);
    long at = BAT_AT + batBytes;
    for (int i = 0; i < locators.size(); i++) {
      Locator l = locators.get(i);
      int space = (int) VhdxLayout.roundUp(Math.max(1, l.data().length), 512);
      int e = 576 + 24 * i;
      header.putInt(e, l.code()).putInt(e + 4, space).putInt(e + 8, l.data().length)
          .putLong(e + 16, at);
      AtomicFile.writeFully(ch, ByteBuffer.wrap(l.data()), at);
      at += space;
    }
    seal(header, 36, 1024);
    AtomicFile.writeFully(ch, footer.duplicate(), 0);
    AtomicFile.writeFully(ch, header, HEADER_AT);
    ByteBuffer bat = ByteBuffer.allocate(1 << 20);
    java.util.Arrays.fill(bat.array(), (byte) 0xFF);
    for (long done = 0; done < batBytes; done += bat.capacity()) {
      AtomicFile.writeFully(ch, bat.clear().limit((int) Math.min(bat.capacity(), batBytes - done)),
          BAT_AT + done);
    }
    AtomicFile.writeFully(ch, footer.duplicate(), at);
  }

  static ByteBuffer footer(int type, long size, Geometry g, UUID id) {
    ByteBuffer f = ByteBuffer.allocate(512).order(ByteOrder.BIG_ENDIAN);
    f.put(0, "conectix".getBytes(StandardCharsets.US_ASCII));
    f.putInt(8, 2);
    f.putInt(12, 0x00010000);
    f.putLong(16, type == VpcImage.FIXED ? -1L : HEADER_AT);
    f.putInt(24, (int) (Instant.now().getEpochSecond() - EPOCH_2000));
    f.put(28, CREATOR.getBytes(StandardCharsets.US_ASCII));
    f.putInt(32, 0x00010000);
    f.put(36, "Wi2k".getBytes(StandardCharsets.US_ASCII));
    f.putLong(40, size);
    f.putLong(48, size);
    f.putShort(56, (short) g.cylinders());
    f.put(58, (byte) g.heads());
    f.put(59, (byte) g.sectors());
    f.putInt(60, type);
    f.putLong(68, id.getMostSignificantBits());
    f.putLong(76, id.getLeastSignificantBits());
    seal(f, 64, 512);
    return f;
  }

  private static ByteBuffer header(long bs, long size) {
    ByteBuffer h = ByteBuffer.allocate(1024).order(ByteOrder.BIG_ENDIAN);
    h.put(0, "cxsparse".getBytes(StandardCharsets.US_ASCII));
    h.putLong(8, -1L);
    h.putLong(16, BAT_AT);
    h.putInt(24, 0x00010000);
    h.putInt(28, (int) VhdxLayout.ceilDiv(size, bs));
    h.putInt(32, (int) bs);
    return h;
  }

  /** Writes the ones' complement of the byte sum, the checksum field counted as zero. */
  static void seal(ByteBuffer b, int at, int length) {
    b.putInt(at, 0);
    int sum = 0;
    for (int i = 0; i < length; i++) {
      sum += b.get(i) & 0xFF;
    }
    b.putInt(at, ~sum);
  }

  /**
   * The smallest geometry holding {@code sectors}, by the VHD specification's algorithm as
   * qemu-img applies it (trying one more sector until the geometry covers the request); the
   * largest geometry when none does.
   */
  static Geometry geometry(long sectors) {
    long want = Math.min(sectors, MAX_GEOMETRY);
    Geometry g = new Geometry(0, 0, 0);
    for (long i = 0; want > g.sectorCount(); i++) {
      g = calculate(want + i);
    }
    return g;
  }

  private static Geometry calculate(long total) {
    long t = Math.min(total, MAX_GEOMETRY);
    int spt;
    int heads;
    long cth;
    if (t >= 65535L * 16 * 63) {
      spt = 255;
      heads = 16;
      cth = t / spt;
    } else {
      spt = 17;
      cth = t / spt;
      heads = (int) Math.max(4, (cth + 1023) / 1024);
      if (cth >= heads * 1024L || heads > 16) {
        spt = 31;
        heads = 16;
        cth = t / spt;
      }
      if (cth >= heads * 1024L) {
        spt = 63;
        heads = 16;
        cth = t / spt;
      }
    }
    return new Geometry((int) (cth / heads), heads, spt);
  }
}
