package io.stowage.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads BAT entries on demand, a page at a time. Not thread-safe. */
final class Bat {
  static final int NOT_PRESENT = 0;
  static final int UNDEFINED = 1;
  static final int ZERO = 2;
  static final int UNMAPPED = 3;
  static final int UNMAPPED_V095 = 5;
  static final int FULLY_PRESENT = 6;
  static final int PARTIALLY_PRESENT = 7;
  static final long OFFSET_MASK = 0xFFFFFFFFFFF00000L;
  private static final int PAGE = 8192;

  private final Source src;
  private final long offset;
  private final long entries;
  private final ByteBuffer page = ByteBuffer.allocate(PAGE * 8).order(ByteOrder.LITTLE_ENDIAN);
  private long pageFirst = -1;

  Bat(Source src, VhdxLayout layout) {
    this.src = src;
    this.offset = layout.batOffset();
    this.entries = layout.batEntries();
  }

  long entries() {
    return entries;
  }

  long entry(long index) {
    if (index < 0 || index >= entries) {
      throw new IndexOutOfBoundsException(index);
    }
    long first = index - index % PAGE;
    if (first != pageFirst) {
      int n = (int) Math.min(PAGE, entries - first);
      page.clear().limit(n * 8);
      pageFirst = -1;
      src.read(offset + first * 8, page);
      pageFirst = first;
    }
    return page.getLong((int) (index - first) * 8);
  }

  static int state(long entry) {
    return (int) (entry & 7);
  }

  static long fileOffset(long entry) {
    return entry & OFFSET_MASK;
  }
}
