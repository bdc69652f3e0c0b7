package io.stowage.diskformats;

import static io.stowage.diskformats.Findings.damaged;

import io.stowage.api.disk.DiskInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The VMDK format: hosted sparse extents ({@code KDMV}: monolithicSparse and streamOptimized,
 * with their embedded descriptor and, for streamOptimized, the footer), text descriptor files,
 * and the old {@code COWD} sparse extents. Validated as qemu's {@code vmdk_open} does; the
 * virtual size is qemu's: a sparse extent's capacity (the footer's, when the grain directory is
 * at the end), a descriptor's counted extents. Stateless and thread-safe.
 *
 * <p>Only a single self-contained sparse extent is safe: a descriptor that names any other
 * extent, or a file that is only a descriptor, makes qemu open other files
 * ({@code external_extent}); a {@code parentFileNameHint} makes it open a parent
 * ({@code parent_reference}); create types other than monolithicSparse and streamOptimized are
 * refused ({@code unsupported_create_type}).
 */
@Extension
public final class VmdkFormat extends HeaderFormat {
  private static final String NAME = "vmdk";
  private static final byte[] KDMV = {'K', 'D', 'M', 'V'};
  private static final byte[] COWD = {'C', 'O', 'W', 'D'};
  private static final long GD_AT_END = -1L;
  /** What qemu reads at sector 1 of a sparse extent for the CID and parent hint. */
  private static final int DESC_AT = 0x200;
  private static final int DESC_SIZE = 20 * 512;
  private static final int FOOTER = 1536;
  private static final Set<String> SAFE_TYPES = Set.of("monolithicSparse", "streamOptimized");
  private static final Set<String> QEMU_DESCRIPTOR_TYPES = Set.of("monolithicFlat", "vmfs",
      "vmfsSparse", "seSparse", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int probeLength() {
    return 4096;
  }

  /** A sparse extent's magic, or text that qemu's vmdk_probe takes for a descriptor. */
  @Override
  public boolean probe(ByteBuffer head) {
    return Findings.startsWith(head, 0, KDMV) || Findings.startsWith(head, 0, COWD)
        || isDescriptor(head);
  }

  /**
   * qemu's test: comment lines and blank lines, then {@code version=1}, 2 or 3 and a line end.
   */
  static boolean isDescriptor(ByteBuffer b) {
    int p = b.position();
    int end = b.limit();
    while (p < end) {
      byte c = b.get(p);
      if (c == '#') {
        while (p < end && b.get(p) != '\n') {
          p++;
        }
        p++;
        continue;
      }
      if (c == ' ') {
        while (p < end && b.get(p) == ' ') {
          p++;
        }
        if (p < end && b.get(p) == '\r') {
          p++;
        }
        if (p == end || b.get(p) != '\n') {
          return false;
        }
        p++;
        continue;
      }
      for (String v : List.of("version=1", "version=2", "version=3")) {
        byte[] bytes = v.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer at = b.duplicate().position(p);
        if (Findings.startsWith(at, 0, bytes) && end - p > bytes.length
            && (b.get(p + bytes.length) == '\n' || (b.get(p + bytes.length) == '\r'
                && end - p > bytes.length + 1 && b.get(p + bytes.length + 1) == '\n'))) {
          return true;
        }
      }
      return false;
    }
    return false;
  }

  @Override
  int prefixLength() {
    return 512;
  }

  @Override
  long headLength(ByteBuffer prefix) {
    if (Findings.startsWith(prefix, 0, KDMV) && prefix.limit() >= 44) {
      long desc = prefix.getLong(28);
      long descSize = prefix.getLong(36);
      long end = DESC_AT + DESC_SIZE;
      if (desc > 0 && desc < (1L << 40) && descSize >= 0 && descSize < (1L << 40)) {
        end = Math.max(end, desc * 512 + Math.min(descSize * 512, VmdkDescriptor.MAX_LENGTH));
      }
      return end;
    }
    return Findings.startsWith(prefix, 0, COWD) ? prefixLength() : VmdkDescriptor.MAX_LENGTH;
  }

  @Override
  int tailLength() {
    return FOOTER;
  }

  @Override
  DiskInfo parse(ImageBytes image) {
    ByteBuffer magic = image.readUpTo(0, 4, ByteOrder.LITTLE_ENDIAN);
    if (Findings.startsWith(magic, 0, KDMV)) {
      return sparse(image);
    }
    if (Findings.startsWith(magic, 0, COWD)) {
      ByteBuffer h = image.read(0, 32, ByteOrder.LITTLE_ENDIAN, "vmdk COWD header");
      long sectors = h.getInt(12) & 0xFFFFFFFFL;
      return new Findings().detail("subformat", "COWD")
          .unsafe(Findings.CREATE_TYPE, "VMDK3 (COWD) sparse extents are not accepted")
          .info(NAME, sectors * 512);
    }
    ByteBuffer text = image.readUpTo(0, VmdkDescriptor.MAX_LENGTH, ByteOrder.LITTLE_ENDIAN);
    if (!isDescriptor(text)) {
      throw damaged(NAME, "neither a sparse extent nor a descriptor");
    }
    return descriptorFile(VmdkDescriptor.parse(text), new Findings(), "descriptor file");
  }

  private static DiskInfo descriptorFile(VmdkDescriptor d, Findings f, String what) {
    String type = d.setting("createType").orElseThrow(
        () -> damaged(NAME, "the " + what + " names no createType"));
    f.detail("create_type", type).detail("extents", d.extents().size());
    if (!QEMU_DESCRIPTOR_TYPES.contains(type)) {
      f.unsafe(Findings.CREATE_TYPE, "create type \"" + type + "\" is not supported");
    }
    List<String> files = d.extents().stream().map(VmdkDescriptor.Extent::file).toList();
    f.unsafe(Findings.EXTENT, "the " + what + " makes qemu open other files: "
        + (files.isEmpty() ? "(none named)" : String.join(", ", files)));
    parentHint(d, f);
    return f.info(NAME, d.virtualSize());
  }

  private static void parentHint(VmdkDescriptor d, Findings f) {
    d.setting("parentFileNameHint").ifPresent(p -> {
      f.detail("parent_file_name_hint", p);
      f.unsafe(Findings.PARENT, "the descriptor names a parent \"" + p + "\"");
    });
  }

  private DiskInfo sparse(ImageBytes image) {
    Findings f = new Findings();
    ByteBuffer h = image.read(0, 79, ByteOrder.LITTLE_ENDIAN, "vmdk header");
    long capacity = h.getLong(12);
    long descOffset = h.getLong(28);
    long descSize = h.getLong(36);
    if (descOffset == 0) {
      throw damaged(NAME, "the sparse extent has no embedded descriptor");
    }
    if (descOffset < 0 || descOffset > image.size() / 512 || descSize < 0) {
      throw damaged(NAME, "the embedded descriptor's offset " + Long.toUnsignedString(descOffset)
          + " lies beyond the end of the image");
    }
    int descLength = (int) Math.min(Math.min(descSize, VmdkDescriptor.MAX_LENGTH) * 512L,
        VmdkDescriptor.MAX_LENGTH);
    if (descOffset * 512 + descLength > CapturingInspector.MAX_HEAD) {
      // where a one-pass inspection could not see it; real files have it at sector 1
      throw damaged(NAME, "the embedded descriptor at sector " + descOffset
          + " lies beyond the first " + (CapturingInspector.MAX_HEAD >> 20) + " MiB");
    }
    ByteBuffer descBytes = image.read(descOffset * 512, descLength, ByteOrder.LITTLE_ENDIAN,
        "vmdk embedded descriptor");
    VmdkDescriptor d = VmdkDescriptor.parse(descBytes);
    if (capacity == 0) {
      // qemu then opens the embedded descriptor as a descriptor file, with its extents.
      return descriptorFile(d, f, "embedded descriptor of a zero-capacity extent");
    }
    boolean footer = h.getLong(56) == GD_AT_END;
    if (footer) {
      h = footer(image);
    }
    int version = h.getInt(4);
    int flags = h.getInt(8);
    capacity = h.getLong(12);
    long grain = h.getLong(20);
    long gtes = h.getInt(44) & 0xFFFFFFFFL;
    long rgd = h.getLong(48);
    long gd = h.getLong(56);
    long grainOffset = h.getLong(64);
    int compression = h.getShort(77) & 0xffff;
    if (Integer.compareUnsigned(version, 3) > 0) {
      throw damaged(NAME, "unsupported version " + Integer.toUnsignedString(version));
    }
    if (gtes > 512) {
      throw damaged(NAME, "the grain tables (" + gtes + " entries) are too big");
    }
    if (Long.compareUnsigned(grain, 0x200000) > 0) {
      throw damaged(NAME, "invalid granularity " + Long.toUnsignedString(grain) + " sectors");
    }
    long l1Entry = gtes * grain;
    if (l1Entry == 0) {
      throw damaged(NAME, "the grain directory's entry size is invalid");
    }
    if (capacity < 0 || capacity > Long.MAX_VALUE / 512) {
      throw damaged(NAME, "capacity " + Long.toUnsignedString(capacity) + " sectors is too large");
    }
    long l1Size = (capacity + l1Entry - 1) / l1Entry;
    if (l1Size > 32L << 20) {
      throw damaged(NAME, "the grain directory (" + l1Size + " entries) is too big");
    }
    if (Long.compareUnsigned(grainOffset, image.size() / 512) > 0) {
      throw damaged(NAME, "truncated: the grains start at sector "
          + Long.toUnsignedString(grainOffset) + ", beyond the end of the image");
    }
    directory(image, gd, l1Size, "grain directory");
    if ((flags & 2) != 0) {
      directory(image, rgd, l1Size, "redundant grain directory");
    }
    parentHint(d, f);
    if (!f.details.containsKey("parent_file_name_hint")) {
      // qemu looks for the hint at sector 1 whatever the header says.
      String cidArea = Findings.cString(image.readUpTo(DESC_AT, DESC_SIZE, ByteOrder.LITTLE_ENDIAN));
      int at = cidArea.indexOf("parentFileNameHint");
      if (at >= 0) {
        int from = Math.min(cidArea.length(), at + "parentFileNameHint".length() + 2);
        int to = cidArea.indexOf('"', from);
        if (to < 0) {
          throw damaged(NAME, "an unterminated parentFileNameHint");
        }
        String p = cidArea.substring(from, to);
        f.detail("parent_file_name_hint", p);
        f.unsafe(Findings.PARENT, "the descriptor names a parent \"" + p + "\"");
      }
    }
    String type = d.setting("createType").orElse("(none)");
    if (!SAFE_TYPES.contains(type)) {
      f.unsafe(Findings.CREATE_TYPE, "create type \"" + type + "\" is not accepted in a sparse"
          + " extent (only monolithicSparse and streamOptimized)");
    }
    List<VmdkDescriptor.Extent> extents = d.extents();
    if (extents.size() != 1 || !extents.get(0).type().equals("SPARSE")
        || extents.get(0).file().contains("/") || extents.get(0).file().contains("\\")) {
      f.unsafe(Findings.EXTENT, "the embedded descriptor names extents other than this file: "
          + String.join(", ", extents.stream().map(e -> e.type() + " \"" + e.file() + "\"")
              .toList()));
    }
    f.detail("create_type", type)
        .detail("subformat", compression == 1 ? "streamOptimized" : "monolithicSparse")
        .detail("version", version)
        .detail("grain_size", grain * 512)
        .detail("compressed", compression == 1)
        .detail("footer", footer)
        .detail("unclean_shutdown", h.get(72) != 0)
        .detail("file_size", image.size());
    return f.info(NAME, capacity * 512);
  }

  private static ByteBuffer footer(ImageBytes image) {
    if (image.size() < FOOTER + 512) {
      throw damaged(NAME, "the footer is missing: the image is too short");
    }
    ByteBuffer t = image.read(image.size() - FOOTER, FOOTER, ByteOrder.LITTLE_ENDIAN,
        "vmdk footer");
    if (t.getInt(8) != 0 || t.getInt(12) != 3 || !Findings.startsWith(t, 512, KDMV)
        || t.getLong(1024) != 0 || t.getInt(1032) != 0 || t.getInt(1036) != 0) {
      throw damaged(NAME, "invalid footer");
    }
    return t.slice(512, 512).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void directory(ImageBytes image, long sector, long entries, String what) {
    if (sector < 0 || sector > image.size() / 512) {
      throw damaged(NAME, "the " + what + " at sector " + Long.toUnsignedString(sector)
          + " lies beyond the end of the image");
    }
    image.require(sector * 512, entries * 4, "the vmdk " + what);
  }
}
