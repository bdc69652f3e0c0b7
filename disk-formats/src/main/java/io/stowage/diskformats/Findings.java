package io.stowage.diskformats;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.SafetyFinding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a parser gathers on its way through an image: details and safety findings. */
final class Findings {
  /** A backing file, parent disk or parent hint: the image reads another file. */
  static final String PARENT = "parent_reference";
  /** A qcow2 external data file: the guest's data lives in another file. */
  static final String DATA_FILE = "external_data_file";
  /** A vmdk extent in another file. */
  static final String EXTENT = "external_extent";
  /** A vmdk create type this service does not accept. */
  static final String CREATE_TYPE = "unsupported_create_type";
  /** Encrypted contents inside a container format. */
  static final String ENCRYPTION = "encryption";
  /** The image says of itself that it is damaged. */
  static final String CORRUPTION = "corruption";

  final Map<String, Object> details = new LinkedHashMap<>();
  final List<SafetyFinding> safety = new ArrayList<>();

  Findings detail(String key, Object value) {
    details.put(key, value);
    return this;
  }

  Findings unsafe(String check, String message) {
    safety.add(new SafetyFinding(check, message));
    return this;
  }

  DiskInfo info(String format, long virtualSize) {
    return new DiskInfo(format, virtualSize, details, safety);
  }

  /** Damage: the exception every parser ends in. */
  static InvalidImageDataException damaged(String format, String reason) {
    return new InvalidImageDataException(format + ": " + reason);
  }

  /** Bytes as text for a message: printable ASCII kept, the rest escaped, at most 200. */
  static String text(ByteBuffer b) {
    StringBuilder s = new StringBuilder();
    ByteBuffer d = b.duplicate();
    while (d.hasRemaining() && s.length() < 200) {
      int c = d.get() & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.toString();
  }

  /** Bytes up to the first NUL as UTF-8 (replacing what is not), trimmed. */
  static String cString(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    int end = d.position();
    while (end < d.limit() && d.get(end) != 0) {
      end++;
    }
    byte[] bytes = new byte[end - d.position()];
    d.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8).trim();
  }

  /** Whether {@code b} at {@code at} holds {@code magic}. */
  static boolean startsWith(ByteBuffer b, int at, byte[] magic) {
    if (b.limit() - b.position() < at + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (b.get(b.position() + at + i) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
