package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parent locator metadata item: a VHDX locator type and its key/value entries. */
record ParentLocator(Map<String, String> entries) {
  static final Guid VHDX_LOCATOR = Guid.of("B04AEFB7-D19E-4A81-B789-25B8E9445913");
  static final int MAX_LENGTH = 64 * 1024;
  private static final int MAX_ENTRIES = 256;

  ParentLocator {
    entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  static ParentLocator parse(ByteBuffer item) {
    item.order(ByteOrder.LITTLE_ENDIAN);
    int len = item.limit();
    if (len < 20) {
      throw new InvalidImageDataException("parent locator is " + len + " bytes, too short");
    }
    Guid type = Guid.read(item, 0);
    if (!type.equals(VHDX_LOCATOR)) {
      throw new InvalidImageDataException("parent locator type " + type + " is not VHDX's");
    }
    int count = item.getShort(18) & 0xFFFF;
    if (count > MAX_ENTRIES || 20L + 12L * count > len) {
      throw new InvalidImageDataException(
          "parent locator claims " + count + " entries, more than its " + len + " bytes hold");
    }
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      int e = 20 + 12 * i;
      String key = string(item, item.getInt(e) & 0xFFFFFFFFL, item.getShort(e + 8) & 0xFFFF, i);
      String value =
          string(item, item.getInt(e + 4) & 0xFFFFFFFFL, item.getShort(e + 10) & 0xFFFF, i);
      if (entries.put(key, value) != null) {
        throw new InvalidImageDataException("parent locator repeats the key \"" + key + "\"");
      }
    }
    return new ParentLocator(entries);
  }

  private static String string(ByteBuffer item, long offset, int length, int entry) {
    if (length == 0 || length % 2 != 0 || offset + length > item.limit()) {
      throw new InvalidImageDataException(
          "parent locator entry "
              + entry
              + " has a key or value at "
              + offset
              + " (length "
              + length
              + ") outside its "
              + item.limit()
              + " bytes or of odd length");
    }
    byte[] b = new byte[length];
    item.get((int) offset, b);
    return new String(b, StandardCharsets.UTF_16LE);
  }

  ByteBuffer encode() {
    int count = entries.size();
    int at = 20 + 12 * count;
    int total = at;
    for (Map.Entry<String, String> e : entries.entrySet()) {
      total += 2 * e.getKey().length() + 2 * e.getValue().length();
    }
    if (total > MAX_LENGTH) {
      throw new IllegalArgumentException("parent locator paths are too long");
    }
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    VHDX_LOCATOR.write(b, 0);
    b.putShort(18, (short) count);
    int i = 0;
    for (Map.Entry<String, String> e : entries.entrySet()) {
      byte[] k = e.getKey().getBytes(StandardCharsets.UTF_16LE);
      byte[] v = e.getValue().getBytes(StandardCharsets.UTF_16LE);
      int d = 20 + 12 * i++;
      b.putInt(d, at);
      b.put(at, k);
      at += k.length;
      b.putInt(d + 4, at);
      b.put(at, v);
      at += v.length;
      b.putShort(d + 8, (short) k.length);
      b.putShort(d + 10, (short) v.length);
    }
    return b;
  }
}
