package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.StreamInspector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Inspects a VHD stream in one pass: keeps the footer copy, the dynamic header and the BAT as
 * they go past (at most {@link VhdxStreamInspector#MAX_KEPT} bytes) and the last 512 bytes.
 */
final class VpcStreamInspector implements StreamInspector {
  private final SegmentSource kept = new SegmentSource();
  private final byte[] tail = new byte[512];
  private long position;
  /** Where the structure being waited for ends; planning resumes there. */
  private long nextPlan = 512;
  private int stage;
  private Optional<String> refusal = Optional.empty();

  VpcStreamInspector() {
    kept.keep(0, 512);
  }

  @Override
  public void update(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      long stop = stage < 2 ? nextPlan : Long.MAX_VALUE;
      int n = (int) Math.min(bytes.remaining(), Math.max(1, stop - position));
      ByteBuffer part = bytes.slice().limit(n);
      kept.offer(position, part);
      keepTail(part);
      bytes.position(bytes.position() + n);
      position += n;
      if (stage < 2 && position >= nextPlan) {
        plan();
      }
    }
  }

  private void keepTail(ByteBuffer part) {
    int n = part.remaining();
    if (n >= 512) {
      part.get(part.position() + n - 512, tail);
    } else {
      System.arraycopy(tail, n, tail, 0, 512 - n);
      part.get(part.position(), tail, 512 - n, n);
    }
  }

  private void plan() {
    if (stage == 0) {
      stage = 2;
      ByteBuffer f = kept.read(0, 512, "footer").order(ByteOrder.BIG_ENDIAN);
      long dyn = f.getLong(16);
      if (VpcImage.isFooter(f) && f.getInt(60) != VpcImage.FIXED && dyn >= position
          && dyn < Long.MAX_VALUE - 1024) {
        kept.keep(dyn, 1024);
        nextPlan = dyn + 1024;
        stage = 1;
      }
    } else {
      stage = 2;
      long dyn = nextPlan - 1024;
      ByteBuffer d = kept.read(dyn, 1024, "dynamic header").order(ByteOrder.BIG_ENDIAN);
      long bat = d.getLong(16);
      long len = 4L * (d.getInt(28) & 0xFFFFFFFFL);
      if (len > VhdxStreamInspector.MAX_KEPT) {
        refusal = Optional.of("its BAT is larger than a stream inspection keeps");
      } else if (bat >= position) {
        kept.keep(bat, (int) len);
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
      throw new InvalidImageDataException("cannot inspect this VHD stream: " + refusal.get());
    }
    if (totalSize >= 512) {
      kept.put(totalSize - 512, tail.clone());
    }
    kept.setSize(totalSize);
    return VpcImage.open(kept).info();
  }
}
