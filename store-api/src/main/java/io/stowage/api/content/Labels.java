package io.stowage.api.content;

import io.stowage.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rule labels obey (containerd's): keys of 1 to {@value #MAX_KEY} bytes, values of at most
 * {@value #MAX_VALUE} bytes, at most {@value #MAX_TOTAL} bytes in all, no control characters.
 */
public final class Labels {
  /** The longest key, in UTF-8 bytes. */
  public static final int MAX_KEY = 1024;
  /** The longest value, in UTF-8 bytes. */
  public static final int MAX_VALUE = 4096;
  /** The most bytes of keys and values one blob carries. */
  public static final int MAX_TOTAL = 64 * 1024;

  private Labels() {}

  /**
   * An unmodifiable copy sorted by key, after checking the rule.
   *
   * @throws InvalidRequestException naming the offending key
   */
  public static Map<String, String> copyOf(Map<String, String> labels) {
    TreeMap<String, String> copy = new TreeMap<>();
    int total = 0;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String key = requireKey(e.getKey());
      String value = e.getValue();
      int valueBytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (valueBytes > MAX_VALUE) {
        throw new InvalidRequestException(
            "label \"" + key + "\": value longer than " + MAX_VALUE + " bytes");
      }
      if (hasControl(value)) {
        throw new InvalidRequestException("label \"" + key + "\": value has a control character");
      }
      total += key.getBytes(StandardCharsets.UTF_8).length + valueBytes;
      copy.put(key, value);
    }
    if (total > MAX_TOTAL) {
      throw new InvalidRequestException("labels take more than " + MAX_TOTAL + " bytes");
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Returns {@code key} if it is a valid label key.
   *
   * @throws InvalidRequestException if it is empty, too long or has control characters
   */
  public static String requireKey(String key) {
    if (key.isEmpty()) {
      throw new InvalidRequestException("label key is empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY) {
      throw new InvalidRequestException("label key longer than " + MAX_KEY + " bytes");
    }
    if (hasControl(key)) {
      throw new InvalidRequestException("label key has a control character");
    }
    return key;
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }
}
