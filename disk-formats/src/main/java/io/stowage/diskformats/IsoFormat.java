package io.stowage.diskformats;

import static io.stowage.diskformats.Findings.damaged;

import io.stowage.api.disk.DiskInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * Optical-disc images: ISO 9660 (with Joliet, El Torito, Rock Ridge's hosts) and UDF, found by
 * the volume recognition sequence at 32 KiB ({@code CD001}, or {@code BEA01} ... {@code NSR02}/
 * {@code NSR03}). qemu has no driver for them — it sees raw data — so the virtual size is the
 * file's size, as {@code qemu-img info} reports; the primary volume descriptor's size is a
 * detail, and a volume larger than the file is damage (truncated). An ISO carries no references
 * to other files: nothing about it is unsafe. Hybrid images (an MBR or GPT for USB sticks) are
 * ISO images. Stateless and thread-safe.
 */
@Extension
public final class IsoFormat extends HeaderFormat {
  private static final String NAME = "iso";
  private static final int SECTOR = 2048;
  private static final int FIRST = 16 * SECTOR;
  private static final int MAX_DESCRIPTORS = 64;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int probeLength() {
    return FIRST + 2 * SECTOR;
  }

  @Override
  public boolean probe(ByteBuffer head) {
    ByteBuffer b = head.slice();
    if (descriptor(b, 0, "CD001")) {
      int type = b.get(FIRST) & 0xff;
      return type <= 3 || type == 255;
    }
    return descriptor(b, 0, "BEA01") && b.get(FIRST) == 0
        && (descriptor(b, 1, "NSR02") || descriptor(b, 1, "NSR03"));
  }

  /** Whether the {@code n}-th descriptor from sector 16 carries {@code id} and version 1. */
  private static boolean descriptor(ByteBuffer b, int n, String id) {
    int at = FIRST + n * SECTOR;
    return b.limit() >= at + 7
        && Findings.startsWith(b, at + 1, id.getBytes(StandardCharsets.US_ASCII))
        && b.get(at + 6) == 1;
  }

  @Override
  int prefixLength() {
    return FIRST + MAX_DESCRIPTORS * SECTOR;
  }

  @Override
  long headLength(ByteBuffer prefix) {
    return prefixLength();
  }

  @Override
  DiskInfo parse(ImageBytes image) {
    ByteBuffer area = image.readUpTo(0, prefixLength(), ByteOrder.LITTLE_ENDIAN);
    if (!probe(area)) {
      throw damaged(NAME, "no volume recognition sequence at 32 KiB");
    }
    Findings f = new Findings();
    List<String> systems = new ArrayList<>();
    long volume = -1;
    boolean terminated = false;
    for (int n = 0; n < MAX_DESCRIPTORS && FIRST + (n + 1) * SECTOR <= area.limit(); n++) {
      ByteBuffer d = area.slice(FIRST + n * SECTOR, SECTOR).order(ByteOrder.LITTLE_ENDIAN);
      String id = new String(new byte[] {d.get(1), d.get(2), d.get(3), d.get(4), d.get(5)},
          StandardCharsets.ISO_8859_1);
      int type = d.get(0) & 0xff;
      if (id.equals("CD001") && !terminated) {
        if (type == 255) {
          terminated = true;
        } else if (type == 1 && volume < 0) {
          volume = primary(d, f);
          systems.add("iso9660");
        } else if (type == 2 && isJoliet(d)) {
          systems.add("joliet");
        } else if (type == 0 && Findings.startsWith(d, 7,
            "EL TORITO SPECIFICATION".getBytes(StandardCharsets.US_ASCII))) {
          systems.add("el_torito");
        }
      } else if (id.equals("NSR02") || id.equals("NSR03")) {
        systems.add("udf");
      } else if (id.equals("TEA01")) {
        break;
      } else if (!id.equals("BEA01") && !id.equals("CD001") && !id.startsWith("BOOT")
          && !id.startsWith("CDW")) {
        break;
      }
    }
    if (systems.contains("iso9660") && !terminated) {
      throw damaged(NAME, "the volume descriptor set has no terminator in its first "
          + MAX_DESCRIPTORS + " sectors");
    }
    if (systems.isEmpty()) {
      throw damaged(NAME, "no primary volume descriptor and no UDF descriptor");
    }
    if (volume > image.size()) {
      throw damaged(NAME, "truncated: the volume has " + volume + " bytes, the image "
          + image.size());
    }
    f.detail("filesystems", List.copyOf(systems));
    ByteBuffer mbr = area.slice(0, Math.min(512, area.limit()));
    PartitionTable.probe(mbr, image).ifPresent(t -> f.detail("partition_table", t));
    return f.detail("file_size", image.size()).info(NAME, image.size());
  }

  /** The primary volume descriptor: its size in bytes, with its block size checked. */
  private static long primary(ByteBuffer d, Findings f) {
    int blocks = d.getInt(80);
    int blocksBe = d.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(84);
    int blockSize = d.getShort(128) & 0xffff;
    int blockSizeBe = d.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(130) & 0xffff;
    if (blocks != blocksBe || blockSize != blockSizeBe) {
      throw damaged(NAME, "the primary volume descriptor's both-endian fields disagree");
    }
    if (blockSize < 512 || blockSize > SECTOR || Integer.bitCount(blockSize) != 1) {
      throw damaged(NAME, "invalid logical block size " + blockSize);
    }
    long volume = (blocks & 0xFFFFFFFFL) * blockSize;
    f.detail("volume_id", Findings.cString(d.slice(40, 32)))
        .detail("volume_size", volume)
        .detail("logical_block_size", blockSize);
    return volume;
  }

  private static boolean isJoliet(ByteBuffer d) {
    return d.get(88) == '%' && d.get(89) == '/'
        && (d.get(90) == '@' || d.get(90) == 'C' || d.get(90) == 'E');
  }

  /** An ISO's guest data is the file itself. */
  @Override
  public SeekableByteChannel openVirtualDisk(Path image) {
    return PartitionTable.openReadOnly(image);
  }
}
