package io.stowage.diskformats;

import static io.stowage.diskformats.Findings.damaged;

import io.stowage.api.disk.DiskInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pf4j.Extension;

/**
 * The qcow2 format (versions 2 and 3, qemu's {@code compat=0.10} and {@code 1.1}): validates
 * the header as qemu's {@code qcow2_do_open} does, plus bounds against the file's size, and
 * reports the virtual size as {@code qemu-img info} does (the header's size rounded down to
 * whole 512-byte sectors). Everything read is in the first cluster. Stateless and thread-safe.
 *
 * <p>Unsafe: a backing file ({@code parent_reference}), an external data file (incompatible
 * feature bit 2 or the data-file header extension: {@code external_data_file}), encryption
 * (AES or LUKS inside qcow2: {@code encryption}; such an image is unusable without its secret
 * and legacy AES is broken), the corrupt bit ({@code corruption}). Damage (unknown versions or
 * incompatible features, sizes and offsets out of range, too many snapshots or L1 entries, bad
 * header extensions) is {@link io.stowage.api.InvalidImageDataException}.
 */
@Extension
public final class Qcow2Format extends HeaderFormat {
  private static final String NAME = "qcow2";
  private static final byte[] MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
  private static final int MAX_CLUSTER_BITS = 21;
  private static final long MAX_REFTABLE_BYTES = 8L << 20;
  private static final long MAX_L1_BYTES = 32L << 20;
  private static final long MAX_SNAPSHOTS = 65536;
  private static final int SNAPSHOT_HEADER = 40;
  private static final long INCOMPAT_KNOWN = 0x1f;
  private static final int EXT_BACKING_FORMAT = 0xe2792aca;
  private static final int EXT_FEATURE_TABLE = 0x6803f857;
  private static final int EXT_CRYPTO = 0x0537be77;
  private static final int EXT_BITMAPS = 0x23852875;
  private static final int EXT_DATA_FILE = 0x44415441;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int probeLength() {
    return MAGIC.length;
  }

  /** The magic alone, as qemu probes it: version 1 (qcow) is claimed too, and refused. */
  @Override
  public boolean probe(ByteBuffer head) {
    return Findings.startsWith(head, 0, MAGIC);
  }

  @Override
  int prefixLength() {
    return 112;
  }

  @Override
  long headLength(ByteBuffer prefix) {
    int bits = prefix.limit() >= 24 ? prefix.order(ByteOrder.BIG_ENDIAN).getInt(20) : 0;
    return bits >= 9 && bits <= MAX_CLUSTER_BITS ? 1L << bits : prefixLength();
  }

  @Override
  DiskInfo parse(ImageBytes image) {
    Findings f = new Findings();
    ByteBuffer h = image.readUpTo(0, 112, ByteOrder.BIG_ENDIAN);
    if (h.limit() < 72 || !probe(h)) {
      throw damaged(NAME, "the header is truncated (" + h.limit() + " bytes)");
    }
    int version = h.getInt(4);
    if (version < 2 || version > 3) {
      throw damaged(NAME, "unsupported version " + Integer.toUnsignedString(version));
    }
    if (version == 3 && h.limit() < 104) {
      throw damaged(NAME, "the version 3 header is truncated (" + h.limit() + " bytes)");
    }
    long backingOffset = h.getLong(8);
    int backingSize = h.getInt(16);
    int clusterBits = h.getInt(20);
    long size = h.getLong(24);
    int crypt = h.getInt(32);
    long l1Size = h.getInt(36) & 0xFFFFFFFFL;
    long l1Offset = h.getLong(40);
    long refcountOffset = h.getLong(48);
    long refcountClusters = h.getInt(56) & 0xFFFFFFFFL;
    long snapshots = h.getInt(60) & 0xFFFFFFFFL;
    long snapshotsOffset = h.getLong(64);
    long incompatible = 0;
    long compatible = 0;
    long autoclear = 0;
    int refcountOrder = 4;
    long headerLength = 72;
    if (clusterBits < 9 || clusterBits > MAX_CLUSTER_BITS) {
      throw damaged(NAME, "unsupported cluster size 2^" + Integer.toUnsignedString(clusterBits));
    }
    long cluster = 1L << clusterBits;
    if (version == 3) {
      incompatible = h.getLong(72);
      compatible = h.getLong(80);
      autoclear = h.getLong(88);
      refcountOrder = h.getInt(96);
      headerLength = h.getInt(100) & 0xFFFFFFFFL;
      if (headerLength < 104) {
        throw damaged(NAME, "the header is too short (" + headerLength + " bytes)");
      }
    }
    if (headerLength > cluster) {
      throw damaged(NAME, "the header (" + headerLength + " bytes) exceeds the cluster size");
    }
    if (Long.compareUnsigned(backingOffset, cluster) > 0) {
      throw damaged(NAME, "invalid backing file offset " + Long.toUnsignedString(backingOffset));
    }
    int compression = 0;
    if (headerLength > 104) {
      compression = h.limit() > 104 ? h.get(104) & 0xff : -1;
      if (compression != 0 && compression != 1) {
        throw damaged(NAME, "unknown compression type " + compression);
      }
    }
    if ((compression != 0) != ((incompatible & 8) != 0)) {
      throw damaged(NAME, "the compression type and the compression feature bit disagree");
    }
    if ((incompatible & ~INCOMPAT_KNOWN) != 0) {
      throw damaged(NAME, "unsupported incompatible feature bits 0x"
          + Long.toHexString(incompatible & ~INCOMPAT_KNOWN));
    }
    if (Integer.compareUnsigned(refcountOrder, 6) > 0) {
      throw damaged(NAME, "refcount width 2^" + Integer.toUnsignedString(refcountOrder)
          + " bits exceeds 64");
    }
    if (crypt < 0 || crypt > 2) {
      throw damaged(NAME, "unsupported encryption method " + Integer.toUnsignedString(crypt));
    }
    if (refcountClusters == 0) {
      throw damaged(NAME, "the image has no reference count table");
    }
    table(image, refcountOffset, refcountClusters, cluster, MAX_REFTABLE_BYTES,
        "reference count table", cluster);
    table(image, snapshotsOffset, snapshots, SNAPSHOT_HEADER, SNAPSHOT_HEADER * MAX_SNAPSHOTS,
        "snapshot table", cluster);
    table(image, l1Offset, l1Size, 8, MAX_L1_BYTES, "active L1 table", cluster);
    if (size < 0) {
      throw damaged(NAME, "virtual size " + Long.toUnsignedString(size) + " is too large");
    }
    boolean extendedL2 = (incompatible & 16) != 0;
    int l2Bits = clusterBits - (extendedL2 ? 4 : 3);
    int shift = clusterBits + l2Bits;
    long l1Needed = size == 0 ? 0 : ((size - 1) >>> shift) + 1;
    if (l1Needed > Integer.MAX_VALUE) {
      throw damaged(NAME, "the image is too big");
    }
    if (l1Size < l1Needed) {
      throw damaged(NAME, "the L1 table (" + l1Size + " entries) is too small for the virtual size"
          + " (" + l1Needed + " needed)");
    }
    long extEnd = backingOffset != 0 ? backingOffset : cluster;
    extensions(image, f, headerLength, extEnd, crypt, autoclear, cluster);
    if ((incompatible & 4) != 0 && !f.details.containsKey("data_file")) {
      f.unsafe(Findings.DATA_FILE, "the image keeps its data in an external data file");
    }
    if ((autoclear & 2) != 0 && (incompatible & 4) == 0) {
      throw damaged(NAME, "data-file-raw is set without an external data file");
    }
    if (backingOffset != 0) {
      if (Integer.compareUnsigned(backingSize, (int) Math.min(1023, cluster - backingOffset)) > 0) {
        throw damaged(NAME, "the backing file name is too long ("
            + Integer.toUnsignedString(backingSize) + " bytes)");
      }
      if (backingSize > 0) {
        String name = Findings.text(image.read(backingOffset, backingSize, ByteOrder.BIG_ENDIAN,
            "backing file name"));
        f.detail("backing_file", name);
        f.unsafe(Findings.PARENT, "the image has a backing file \"" + name + "\"");
      }
    }
    if (crypt != 0) {
      String method = crypt == 1 ? "aes" : "luks";
      f.detail("encrypt_format", method);
      f.unsafe(Findings.ENCRYPTION, "the image is encrypted (" + method + "): it cannot be read"
          + " without its secret" + (crypt == 1 ? ", and qcow2's AES encryption is broken" : ""));
    }
    if ((incompatible & 2) != 0) {
      f.unsafe(Findings.CORRUPTION, "the image is marked corrupt; qemu-img check -r repairs it");
    }
    f.detail("version", version)
        .detail("compat", version == 2 ? "0.10" : "1.1")
        .detail("cluster_size", cluster)
        .detail("refcount_bits", 1 << refcountOrder)
        .detail("l1_size", l1Size)
        .detail("snapshots", snapshots)
        .detail("lazy_refcounts", (compatible & 1) != 0)
        .detail("dirty", (incompatible & 1) != 0)
        .detail("extended_l2", extendedL2)
        .detail("compression_type", compression == 1 ? "zstd" : "zlib")
        .detail("file_size", image.size());
    return f.info(NAME, size & ~511L);
  }

  /** A table's place in the file: as qemu's qcow2_validate_table, and inside the file. */
  private static void table(ImageBytes image, long offset, long entries, long entryLength,
      long maxBytes, String what, long cluster) {
    if (entries > maxBytes / entryLength) {
      throw damaged(NAME, "the " + what + " is too large (" + entries + " entries)");
    }
    long bytes = entries * entryLength;
    if (offset < 0 || Long.MAX_VALUE - bytes < offset || (offset & (cluster - 1)) != 0) {
      throw damaged(NAME, "the " + what + " offset " + Long.toUnsignedString(offset)
          + " is invalid");
    }
    if (entries > 0) {
      if (offset < cluster) {
        throw damaged(NAME, "the " + what + " at offset " + offset + " overlaps the header");
      }
      image.require(offset, bytes, "the qcow2 " + what);
    }
  }

  private static void extensions(ImageBytes image, Findings f, long start, long end, int crypt,
      long autoclear, long cluster) {
    long offset = start;
    while (offset < end) {
      ByteBuffer e = image.read(offset, 8, ByteOrder.BIG_ENDIAN, "qcow2 header extension");
      int type = e.getInt(0);
      long len = e.getInt(4) & 0xFFFFFFFFL;
      offset += 8;
      if (offset > end || len > end - offset) {
        throw damaged(NAME, "header extension 0x" + Integer.toHexString(type) + " is too large");
      }
      switch (type) {
        case 0:
          return;
        case EXT_BACKING_FORMAT:
          if (len >= 16) {
            throw damaged(NAME, "the backing format name is too long (" + len + " bytes)");
          }
          f.detail("backing_format", Findings.text(read(image, offset, len)));
          break;
        case EXT_CRYPTO: {
          if (crypt != 2) {
            throw damaged(NAME, "a crypto header extension without LUKS encryption");
          }
          if (len != 16) {
            throw damaged(NAME, "the crypto header extension has " + len + " bytes, not 16");
          }
          ByteBuffer c = read(image, offset, len);
          long at = c.getLong(0);
          long length = c.getLong(8);
          if ((at & (cluster - 1)) != 0) {
            throw damaged(NAME, "the encryption header offset is not cluster-aligned");
          }
          image.require(at, length, "the qcow2 encryption header");
          break;
        }
        case EXT_BITMAPS: {
          if (len != 24) {
            throw damaged(NAME, "the bitmaps extension has " + len + " bytes, not 24");
          }
          if ((autoclear & 1) != 0) {
            ByteBuffer b = read(image, offset, len);
            long count = b.getInt(0) & 0xFFFFFFFFL;
            if (b.getInt(4) != 0 || count == 0 || count > 65535
                || (b.getLong(16) & (cluster - 1)) != 0 || b.getLong(8) < 0
                || b.getLong(8) > 64L << 20) {
              throw damaged(NAME, "the bitmaps extension is invalid");
            }
            image.require(b.getLong(16), b.getLong(8), "the qcow2 bitmap directory");
            f.detail("bitmaps", count);
          }
          break;
        }
        case EXT_DATA_FILE: {
          String name = Findings.text(read(image, offset, len));
          f.detail("data_file", name);
          f.unsafe(Findings.DATA_FILE, "the image keeps its data in an external data file \""
              + name + "\"");
          break;
        }
        case EXT_FEATURE_TABLE:
        default:
          break;
      }
      offset += (len + 7) & ~7L;
    }
  }

  private static ByteBuffer read(ImageBytes image, long offset, long len) {
    return image.read(offset, (int) len, ByteOrder.BIG_ENDIAN, "qcow2 header extension data");
  }
}
