package io.stowage.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/** A GUID, held in display order and stored Microsoft-style (u32 LE, u16 LE, u16 LE, 8 raw). */
record Guid(long msb, long lsb) {
  static final Guid ZERO = new Guid(0, 0);
  private static final SecureRandom RANDOM = new SecureRandom();

  static Guid random() {
    // Version 4 variant 1, as Windows makes them.
    long hi = (RANDOM.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new Guid(hi, lo);
  }

  /** Reads 16 bytes at {@code offset} of {@code b} (absolute; the buffer's order is ignored). */
  static Guid read(ByteBuffer b, int offset) {
    ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long d1 = le.getInt(offset) & 0xFFFFFFFFL;
    long d2 = le.getShort(offset + 4) & 0xFFFFL;
    long d3 = le.getShort(offset + 6) & 0xFFFFL;
    long lo = b.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(offset + 8);
    return new Guid(d1 << 32 | d2 << 16 | d3, lo);
  }

  void write(ByteBuffer b, int offset) {
    ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    le.putInt(offset, (int) (msb >>> 32));
    le.putShort(offset + 4, (short) (msb >>> 16));
    le.putShort(offset + 6, (short) msb);
    b.duplicate().order(ByteOrder.BIG_ENDIAN).putLong(offset + 8, lsb);
  }

  boolean isZero() {
    return msb == 0 && lsb == 0;
  }

  /** Parses {@code 2DC27766-F623-4200-9D64-115E9BFD4A08}, with or without braces. */
  static Optional<Guid> parse(String text) {
    String t = text.strip();
    if (t.startsWith("{") && t.endsWith("}")) {
      t = t.substring(1, t.length() - 1);
    }
    if (!t.matches("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")) {
      return Optional.empty();
    }
    String hex = t.replace("-", "");
    return Optional.of(
        new Guid(
            Long.parseUnsignedLong(hex.substring(0, 16), 16),
            Long.parseUnsignedLong(hex.substring(16), 16)));
  }

  static Guid of(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException(text));
  }

  @Override
  public String toString() {
    String h = String.format(Locale.ROOT, "%016X%016X", msb, lsb);
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + h.substring(16, 20)
        + "-"
        + h.substring(20);
  }
}
