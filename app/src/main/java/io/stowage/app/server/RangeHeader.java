package io.stowage.app.server;

import io.undertow.util.StatusCodes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code Range: bytes=...} request header resolved against an image's size (RFC 9110
 * 14.1.2): {@code a-b}, open {@code a-} and suffix {@code -n}. A range that cannot be parsed,
 * or that starts at or past the end, is 416; several ranges at once are 400, as Glance
 * answers.
 *
 * @param first the first byte sent
 * @param last the last byte sent, inclusive
 */
record RangeHeader(long first, long last) {
  private static final Pattern SPEC = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  long length() {
    return last - first + 1;
  }

  String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  /**
   * @throws HttpError 416 unparseable or unsatisfiable, 400 several ranges
   */
  static RangeHeader resolve(String header, long size) {
    String value = header.strip();
    if (value.contains(",")) {
      throw new HttpError(StatusCodes.BAD_REQUEST, "only one byte range per request is served");
    }
    Matcher m = SPEC.matcher(value);
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      throw unsatisfiable("malformed Range header \"" + printable(value) + "\"");
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0 || size == 0) {
          throw unsatisfiable("range " + value + " selects no bytes of a " + size + "-byte image");
        }
        return new RangeHeader(Math.max(0, size - suffix), size - 1);
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
      if (last < first) {
        throw unsatisfiable("range " + value + " ends before it starts");
      }
      if (first >= size) {
        throw unsatisfiable("range " + value + " starts past the end of a " + size + "-byte image");
      }
      return new RangeHeader(first, Math.min(last, size - 1));
    } catch (NumberFormatException e) {
      throw unsatisfiable("range " + printable(value) + " is out of bounds");
    }
  }

  private static HttpError unsatisfiable(String message) {
    return new HttpError(StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE, message);
  }

  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
