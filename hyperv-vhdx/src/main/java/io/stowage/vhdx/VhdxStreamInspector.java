package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.StreamInspector;
import static io.stowage.vhdx.VhdxLayout.HEADER_SECTION;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Inspects a VHDX stream in one pass: keeps the header section, then the BAT, metadata and (if
 * it must be replayed) log regions as they go past — at most {@link #MAX_KEPT} bytes — and
 * validates them at the end exactly as {@link VhdxImage} does a file.
 */
final class VhdxStreamInspector implements StreamInspector {
  static final long MAX_KEPT = 64L << 20;
  private final SegmentSource kept = new SegmentSource();
  private long position;
  private boolean planned;
  private Optional<String> refusal = Optional.empty();

  VhdxStreamInspector() {
    kept.keep(0, (int) HEADER_SECTION);
  }

  @Override
  public void update(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      // Stop at the end of the header section: what to keep next is decided there.
      long stop = planned ? Long.MAX_VALUE : HEADER_SECTION;
      int n = (int) Math.min(bytes.remaining(), Math.max(1, stop - position));
      kept.offer(position, bytes.slice().limit(n));
      bytes.position(bytes.position() + n);
      position += n;
      if (!planned && position >= HEADER_SECTION) {
        planned = true;
        plan();
      }
    }
  }

  /** Decides, from the header section, which ranges to keep. Damage is reported at finish. */
  private void plan() {
    ByteBuffer hs = kept.read(0, (int) HEADER_SECTION, "header section");
    long total = 0;
    for (long t : VhdxLayout.REGION_TABLE_OFFSETS) {
      ByteBuffer b = hs.slice((int) t, (int) VhdxLayout.REGION_TABLE_SIZE)
          .order(ByteOrder.LITTLE_ENDIAN);
      if (b.getInt(0) != 0x69676572 || b.getInt(4) != Checked.crc32c(b, b.capacity(), 4)) {
        continue;
      }
      long count = Math.min(b.getInt(8) & 0xFFFFFFFFL, 2047);
      for (int i = 0; i < count; i++) {
        long off = b.getLong(32 + 32 * i);
        long len = b.getInt(40 + 32 * i) & 0xFFFFFFFFL;
        total += len;
        if (total > MAX_KEPT) {
          refusal = Optional.of("its BAT and metadata exceed the " + (MAX_KEPT >> 20)
              + " MiB a stream inspection keeps; inspect the file instead");
          return;
        }
        if (off >= position) {
          kept.keep(off, (int) len);
        }
      }
      break;
    }
    for (int i = 0; i < 2; i++) {
      ByteBuffer h = hs.slice((int) VhdxHeader.OFFSETS[i], VhdxHeader.SIZE);
      Optional<VhdxHeader> header = VhdxHeader.parse(h, new StringBuilder());
      if (header.isPresent() && !header.get().logGuid().isZero()
          && header.get().logLength() <= LogReplay.MAX_LOG
          && header.get().logOffset() >= position) {
        kept.keep(header.get().logOffset(), (int) header.get().logLength());
      }
    }
  }

  @Override
  public DiskInfo finish(long totalSize) {
    if (totalSize != position) {
      throw new InvalidImageDataException(
          "the stream had " + position + " bytes, not the " + totalSize + " announced");
    }
    if (refusal.isPresent()) {
      throw new InvalidImageDataException("cannot inspect this VHDX stream: " + refusal.get());
    }
    kept.setSize(totalSize);
    return VhdxImage.open(kept).info();
  }
}
