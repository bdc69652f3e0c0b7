package io.stowage.diskformats;

import static io.stowage.diskformats.Findings.damaged;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Partition tables at the start of a raw disk: GPT (protective MBR, a header whose CRC holds at
 * LBA 1 of 512- or 4096-byte sectors, its entry array) and the classic MBR. Recognition is
 * strict so that random data and other formats' headers are not taken for a table.
 */
final class PartitionTable {
  static final int GPT_HEADER_AREA = 4096 + 512;
  private static final byte[] EFI_PART = "EFI PART".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_ENTRIES = 4096;
  /** Where a GPT's entry array must end: real ones end at 16 KiB (or 128 KiB on 4Kn disks). */
  private static final long MAX_ENTRY_END = 4L << 20;

  private PartitionTable() {}

  /** The GPT header's sector size (512 or 4096) if {@code head} holds a valid one, else 0. */
  static int gptSectorSize(ByteBuffer head) {
    if (!hasProtectiveEntry(head)) {
      return 0;
    }
    for (int sector : new int[] {512, 4096}) {
      if (head.limit() >= sector + 92 && validGptHeader(head.slice(sector,
          Math.min(sector, head.limit() - sector)).order(ByteOrder.LITTLE_ENDIAN), sector)) {
        return sector;
      }
    }
    return 0;
  }

  private static boolean hasProtectiveEntry(ByteBuffer b) {
    if (!signed(b)) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if ((b.get(446 + 16 * i + 4) & 0xff) == 0xee) {
        return true;
      }
    }
    return false;
  }

  private static boolean signed(ByteBuffer b) {
    return b.limit() >= 512 && (b.get(510) & 0xff) == 0x55 && (b.get(511) & 0xff) == 0xaa;
  }

  private static boolean validGptHeader(ByteBuffer h, int sector) {
    if (!Findings.startsWith(h, 0, EFI_PART) || h.getInt(8) != 0x00010000) {
      return false;
    }
    long size = h.getInt(12) & 0xFFFFFFFFL;
    if (size < 92 || size > Math.min(sector, h.limit()) || h.getLong(24) != 1) {
      return false;
    }
    return crc(h, (int) size, 16) == h.getInt(16);
  }

  /**
   * Whether {@code head} is a classic MBR with at least one sane partition and no junk. A GPT's
   * protective entry is not one: a protective MBR without a valid GPT header is not claimed.
   */
  static boolean isMbr(ByteBuffer b, boolean lenient) {
    if (!signed(b)) {
      return false;
    }
    int used = 0;
    for (int i = 0; i < 4; i++) {
      int e = 446 + 16 * i;
      int status = b.get(e) & 0xff;
      int type = b.get(e + 4) & 0xff;
      long start = b.getInt(e + 8) & 0xFFFFFFFFL;
      long sectors = b.getInt(e + 12) & 0xFFFFFFFFL;
      if (type == 0) {
        if (!lenient && (b.getLong(e) != 0 || b.getLong(e + 8) != 0)) {
          return false;
        }
        continue;
      }
      if ((status != 0 && status != 0x80) || sectors == 0
          || (!lenient && (start == 0 || type == 0xee))) {
        return false;
      }
      used++;
    }
    return used > 0;
  }

  /** For an ISO's details: the kind of table it carries for booting from a USB stick. */
  static Optional<String> probe(ByteBuffer mbr, ImageBytes image) {
    ByteBuffer b = mbr.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (hasProtectiveEntry(b)) {
      ByteBuffer h = image.readUpTo(0, GPT_HEADER_AREA, ByteOrder.LITTLE_ENDIAN);
      if (gptSectorSize(h) > 0) {
        return Optional.of("gpt");
      }
    }
    return isMbr(b, true) ? Optional.of("mbr") : Optional.empty();
  }

  /** Where a valid GPT's entry array ends, from its header; the header area if unknown. */
  static long gptEnd(ByteBuffer head) {
    int sector = gptSectorSize(head);
    if (sector == 0) {
      return GPT_HEADER_AREA;
    }
    ByteBuffer h = head.slice(sector, 92).order(ByteOrder.LITTLE_ENDIAN);
    long lba = h.getLong(72);
    long n = h.getInt(80) & 0xFFFFFFFFL;
    long size = h.getInt(84) & 0xFFFFFFFFL;
    if (lba < 2 || lba > MAX_ENTRY_END / sector || n > MAX_ENTRIES || size > 4096
        || lba * sector + n * size > MAX_ENTRY_END) {
      return GPT_HEADER_AREA;
    }
    return Math.max(GPT_HEADER_AREA, lba * sector + n * size);
  }

  /** Reads and checks a GPT's entry array. @return the number of partitions in use */
  static int gptPartitions(ImageBytes image, int sector, Findings f) {
    ByteBuffer h = image.read(sector, 92, ByteOrder.LITTLE_ENDIAN, "GPT header");
    long firstUsable = h.getLong(40);
    long lastUsable = h.getLong(48);
    long lba = h.getLong(72);
    long n = h.getInt(80) & 0xFFFFFFFFL;
    long size = h.getInt(84) & 0xFFFFFFFFL;
    if (n > MAX_ENTRIES || size < 128 || size > 4096 || size % 8 != 0) {
      throw damaged("raw", "GPT entry array of " + n + " entries of " + size
          + " bytes is not supported");
    }
    if (lba < 2 || lba > MAX_ENTRY_END / sector || lba * sector + n * size > MAX_ENTRY_END) {
      throw damaged("raw", "the GPT entry array at LBA " + Long.toUnsignedString(lba)
          + " is not within the disk's first " + (MAX_ENTRY_END >> 20) + " MiB");
    }
    if (firstUsable < 0 || lastUsable < 0 || firstUsable > lastUsable + 1) {
      throw damaged("raw", "the GPT's usable range is invalid");
    }
    ByteBuffer entries = image.read(lba * sector, (int) (n * size), ByteOrder.LITTLE_ENDIAN,
        "GPT entry array");
    if (crc(entries, entries.limit(), -1) != h.getInt(88)) {
      throw damaged("raw", "the GPT entry array fails its CRC");
    }
    int used = 0;
    for (int i = 0; i < n; i++) {
      int e = (int) (i * size);
      if (entries.getLong(e) == 0 && entries.getLong(e + 8) == 0) {
        continue;
      }
      long first = entries.getLong(e + 32);
      long last = entries.getLong(e + 40);
      if (first < firstUsable || last < first || last > lastUsable) {
        throw damaged("raw", "GPT partition " + (i + 1) + " (LBA " + Long.toUnsignedString(first)
            + ".." + Long.toUnsignedString(last) + ") lies outside the usable range");
      }
      used++;
    }
    f.detail("disk_guid", guid(h, 56));
    return used;
  }

  private static String guid(ByteBuffer b, int at) {
    ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
    return String.format("%08x-%04x-%04x-%04x-%012x", b.getInt(at), b.getShort(at + 4) & 0xffff,
        b.getShort(at + 6) & 0xffff, be.getShort(at + 8) & 0xffff,
        be.getLong(at + 8) & 0xFFFFFFFFFFFFL);
  }

  /** CRC-32 of {@code length} bytes from position 0, the 4 bytes at {@code zeroAt} as zeros. */
  private static int crc(ByteBuffer b, int length, int zeroAt) {
    CRC32 crc = new CRC32();
    ByteBuffer d = b.duplicate().clear();
    if (zeroAt < 0) {
      crc.update(d.limit(length));
    } else {
      crc.update(d.limit(zeroAt));
      crc.update(new byte[4]);
      crc.update(b.duplicate().clear().position(zeroAt + 4).limit(length));
    }
    return (int) crc.getValue();
  }

  /** The image file itself, read-only: the guest data of a raw disk or an ISO. */
  static SeekableByteChannel openReadOnly(Path image) {
    try {
      return FileChannel.open(image);
    } catch (NoSuchFileException e) {
      throw new InvalidRequestException(image + " does not exist");
    } catch (IOException e) {
      throw new StoreIOException("cannot open " + image + ": " + e.getMessage(), e);
    }
  }
}
