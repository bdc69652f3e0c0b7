package io.stowage.api;

/**
 * The rule every image id obeys, so that a backend can use it as a file or object name: 1 to
 * 255 bytes in UTF-8 (the usual limit of a file name), none of its characters a path separator ({@code /} or {@code \}), a control character
 * or {@code :}; not starting with {@code .} (which also excludes {@code .} and {@code ..} and
 * keeps ids apart from a backend's hidden temporary names).
 */
public final class ImageIds {
  /** The longest id accepted, in UTF-8 bytes. */
  public static final int MAX_LENGTH = 255;

  private ImageIds() {}

  /**
   * Returns {@code id} if it obeys the rule.
   *
   * @throws InvalidRequestException saying what is wrong with it
   */
  public static String requireValid(String id) {
    if (id.isEmpty()) {
      throw new InvalidRequestException("image id is empty");
    }
    if (id.length() > MAX_LENGTH
        || id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
      throw new InvalidRequestException("image id is longer than " + MAX_LENGTH + " bytes");
    }
    if (id.charAt(0) == '.') {
      throw new InvalidRequestException("image id \"" + printable(id) + "\" starts with '.'");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || c == '\\' || c == ':' || Character.isISOControl(c)
          || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
        throw new InvalidRequestException(
            "image id \"" + printable(id) + "\" contains a forbidden character at " + i);
      }
    }
    return id;
  }

  private static String printable(String id) {
    return DisplayText.of(id);
  }

}
