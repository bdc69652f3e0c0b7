package io.stowage.diskformats;

import static io.stowage.diskformats.Findings.damaged;

import io.stowage.api.disk.DiskInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pf4j.Extension;

/**
 * VirtualBox's VDI format, version 1.1, dynamic and static: validated as qemu's {@code vdi_open}
 * does, plus the block map and the allocated blocks inside the file; the virtual size is
 * qemu's (the header's disk size rounded up to whole sectors). Stateless and thread-safe.
 *
 * <p>Unsafe: a differencing image (a parent or link UUID: {@code parent_reference}), which qemu
 * cannot open at all.
 */
@Extension
public final class VdiFormat extends HeaderFormat {
  private static final String NAME = "vdi";
  private static final int SIGNATURE = 0xbeda107f;
  private static final int VERSION_1_1 = 0x00010001;
  private static final long BLOCK = 1 << 20;
  private static final long MAX_BLOCKS = 0x3fffffffL;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int probeLength() {
    return 68;
  }

  /** The signature at offset 64, as qemu probes it. */
  @Override
  public boolean probe(ByteBuffer head) {
    return head.remaining() >= 68
        && head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(head.position() + 64) == SIGNATURE;
  }

  @Override
  int prefixLength() {
    return 512;
  }

  @Override
  long headLength(ByteBuffer prefix) {
    return 512;
  }

  @Override
  DiskInfo parse(ImageBytes image) {
    ByteBuffer h = image.read(0, 512, ByteOrder.LITTLE_ENDIAN, "vdi header");
    if (h.getInt(64) != SIGNATURE) {
      throw damaged(NAME, "bad signature");
    }
    int version = h.getInt(68);
    if (version != VERSION_1_1) {
      throw damaged(NAME, "unsupported version " + (version >>> 16) + "." + (version & 0xffff));
    }
    long headerSize = h.getInt(72) & 0xFFFFFFFFL;
    int type = h.getInt(76);
    long bmapOffset = h.getInt(340) & 0xFFFFFFFFL;
    long dataOffset = h.getInt(344) & 0xFFFFFFFFL;
    long sectorSize = h.getInt(360) & 0xFFFFFFFFL;
    long diskSize = h.getLong(368);
    long blockSize = h.getInt(376) & 0xFFFFFFFFL;
    long blockExtra = h.getInt(380) & 0xFFFFFFFFL;
    long blocks = h.getInt(384) & 0xFFFFFFFFL;
    long allocated = h.getInt(388) & 0xFFFFFFFFL;
    if (diskSize < 0 || diskSize > MAX_BLOCKS * BLOCK) {
      throw damaged(NAME, "unsupported disk size " + Long.toUnsignedString(diskSize));
    }
    long virtualSize = (diskSize + 511) & ~511L;
    if (type != 1 && type != 2) {
      throw damaged(NAME, "unknown image type " + type);
    }
    if (headerSize < 0x180 || headerSize + 72 > 512) {
      throw damaged(NAME, "invalid header size " + headerSize);
    }
    if (bmapOffset % 512 != 0 || dataOffset % 512 != 0) {
      throw damaged(NAME, "the block map or data offset is not sector-aligned");
    }
    if (sectorSize != 512) {
      throw damaged(NAME, "unsupported sector size " + sectorSize);
    }
    if (blockSize != BLOCK || blockExtra != 0) {
      throw damaged(NAME, "unsupported block size " + blockSize + " (extra " + blockExtra + ")");
    }
    if (blocks > MAX_BLOCKS) {
      throw damaged(NAME, "too many blocks (" + blocks + ")");
    }
    if (virtualSize > blocks * BLOCK) {
      throw damaged(NAME, "disk size " + diskSize + " exceeds the " + blocks + " blocks mapped");
    }
    if (allocated > blocks) {
      throw damaged(NAME, allocated + " blocks allocated of " + blocks);
    }
    if (bmapOffset < 512 || bmapOffset + blocks * 4 > dataOffset) {
      throw damaged(NAME, "the block map overlaps the header or the data");
    }
    image.require(bmapOffset, blocks * 4, "the vdi block map");
    image.require(dataOffset, allocated * BLOCK, "the vdi allocated blocks");
    Findings f = new Findings();
    boolean link = !zero(h, 424);
    boolean parent = !zero(h, 440);
    if (link || parent) {
      f.unsafe(Findings.PARENT, "a differencing image: it names a "
          + (parent ? "parent" : "link") + " image " + uuid(h, parent ? 440 : 424));
    }
    return f.detail("type", type == 1 ? "dynamic" : "static")
        .detail("block_size", blockSize)
        .detail("blocks", blocks)
        .detail("allocated_blocks", allocated)
        .detail("uuid", uuid(h, 392))
        .detail("file_size", image.size())
        .info(NAME, virtualSize);
  }

  private static boolean zero(ByteBuffer h, int at) {
    return h.getLong(at) == 0 && h.getLong(at + 8) == 0;
  }

  /** A UUID as VirtualBox stores it (the first three fields little-endian). */
  private static String uuid(ByteBuffer h, int at) {
    return String.format("%08x-%04x-%04x-%04x-%012x", h.getInt(at), h.getShort(at + 4) & 0xffff,
        h.getShort(at + 6) & 0xffff, Short.toUnsignedInt(h.duplicate().order(ByteOrder.BIG_ENDIAN)
            .getShort(at + 8)), h.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(at + 8)
            & 0xFFFFFFFFFFFFL);
  }
}
