package io.stowage.api.content;

import io.stowage.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;

/**
 * The rule every ingest ref obeys: 1 to {@value #MAX_LENGTH} bytes of UTF-8 without control
 * characters. Refs are otherwise free text (containerd uses names like
 * {@code manifest-sha256:...}); a backend never uses one as a path unhashed.
 */
public final class IngestRefs {
  /** The longest ref accepted, in UTF-8 bytes. */
  public static final int MAX_LENGTH = 1024;

  private IngestRefs() {}

  /**
   * Returns {@code ref} if it obeys the rule.
   *
   * @throws InvalidRequestException saying what is wrong with it
   */
  public static String requireValid(String ref) {
    if (ref.isEmpty()) {
      throw new InvalidRequestException("ingest ref is empty");
    }
    if (ref.length() > MAX_LENGTH || ref.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
      throw new InvalidRequestException("ingest ref is longer than " + MAX_LENGTH + " bytes");
    }
    for (int i = 0; i < ref.length(); i++) {
      char c = ref.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
          || (Character.isSurrogate(c) && !validSurrogateAt(ref, i))) {
        throw new InvalidRequestException("ingest ref contains a control character at " + i);
      }
    }
    return ref;
  }

  private static boolean validSurrogateAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
