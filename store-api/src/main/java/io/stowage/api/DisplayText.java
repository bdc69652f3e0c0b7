package io.stowage.api;

/**
 * User input as an error message may quote it: control characters shown as {@code ?}, and at
 * most {@value #MAX_CODE_POINTS} code points — a 120 000-character file name or id is shown by its
 * start and its length, so the message stays one short line. Stateless and thread-safe.
 */
public final class DisplayText {
  /** How many code points of the input are shown. */
  public static final int MAX_CODE_POINTS = 64;

  private DisplayText() {}

  /** {@code text}, printable and shortened: {@code "xxxx… (120000 characters)"}. */
  public static String of(String text) {
    StringBuilder sb = new StringBuilder();
    text.codePoints()
        .limit(MAX_CODE_POINTS)
        .forEach(c -> sb.appendCodePoint(Character.isISOControl(c) || isBidiControl(c) ? '?' : c));
    long total = text.codePoints().count();
    return total > MAX_CODE_POINTS ? sb + "… (" + total + " characters)" : sb.toString();
  }

  /** {@link #of(String)} of a path's text. */
  public static String of(java.nio.file.Path path) {
    return of(path.toString());
  }

  // Right-to-left overrides and friends would reorder the rest of the message on a terminal.
  private static boolean isBidiControl(int c) {
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
  }
}
