package io.stowage.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes as written in configuration: {@code 65536}, {@code 64KiB}, {@code 10GiB},
 * {@code 1TiB} (binary units {@code KiB MiB GiB TiB}; {@code B} or no unit for bytes).
 */
public record DataSize(long bytes) {
  private static final Pattern FORM =
      Pattern.compile("\\s*(\\d+)\\s*(B|KIB|MIB|GIB|TIB|K|M|G|T)?\\s*");

  /** @throws IllegalArgumentException the size is negative */
  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative: " + bytes);
    }
  }

  /** {@code bytes} bytes; see the constructor. */
  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  /**
   * Parses {@code 64KiB} and the like.
   *
   * @throws IllegalArgumentException with a one-line reason if the text is not a size
   */
  public static DataSize parse(String text) {
    Matcher m = FORM.matcher(text.toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a size (use bytes or KiB, MiB, GiB, TiB)");
    }
    String unit = m.group(2) == null ? "B" : m.group(2);
    int shift =
        switch (unit) {
          case "B" -> 0;
          case "K", "KIB" -> 10;
          case "M", "MIB" -> 20;
          case "G", "GIB" -> 30;
          default -> 40;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return new DataSize(n << shift);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" is too large a size");
    }
  }

  /** The largest binary unit that divides the size ({@code 64KiB}), else the bytes. */
  @Override
  public String toString() {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      int shift = 40 - 10 * i;
      if (bytes != 0 && bytes % (1L << shift) == 0) {
        return (bytes >> shift) + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
