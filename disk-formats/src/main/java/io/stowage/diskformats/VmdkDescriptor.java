package io.stowage.diskformats;

import static io.stowage.diskformats.Findings.damaged;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VMDK text descriptor: its {@code key="value"} settings and its extent lines
 * ({@code RW 2048 SPARSE "disk.vmdk"}, {@code RW 2048 FLAT "disk-flat.vmdk" 0}), parsed as qemu
 * does ({@code vmdk_parse_extents}).
 */
record VmdkDescriptor(Map<String, String> settings, List<Extent> extents) {
  static final int MAX_LENGTH = (1 << 20) - 1;
  private static final Pattern EXTENT = Pattern.compile(
      "(\\S{1,10})\\s+(-?\\d+)\\s+(\\S{1,10})\\s+\"([^\"\\r\\n]{0,511})\"(?:\\s+(-?\\d+))?\\s*");
  private static final Pattern SETTING = Pattern.compile("([A-Za-z][\\w.]*)\\s*=\\s*(.*)");

  /** One extent line. */
  record Extent(String access, long sectors, String type, String file, long offset) {
    /** Whether qemu counts it: RW, a known type, a positive size. */
    boolean counted() {
      return access.equals("RW") && sectors > 0 && List.of("FLAT", "SPARSE", "VMFS",
          "VMFSSPARSE", "SESPARSE").contains(type);
    }
  }

  /** Parses the text up to the first NUL. @throws InvalidImageDataException bad extent lines */
  static VmdkDescriptor parse(ByteBuffer bytes) {
    String text = Findings.cString(bytes);
    Map<String, String> settings = new LinkedHashMap<>();
    List<Extent> extents = new ArrayList<>();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("RW ") || line.startsWith("RDONLY ") || line.startsWith("NOACCESS ")) {
        extents.add(extent(line));
        continue;
      }
      Matcher s = SETTING.matcher(line);
      if (s.matches()) {
        String value = s.group(2).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        settings.putIfAbsent(s.group(1), value);
      }
    }
    return new VmdkDescriptor(settings, extents);
  }

  private static Extent extent(String line) {
    Matcher m = EXTENT.matcher(line);
    if (!m.matches()) {
      throw damaged("vmdk", "invalid extent line \"" + Findings.text(
          ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8))) + "\"");
    }
    long sectors = number(m.group(2), line);
    String type = m.group(3);
    long offset = m.group(5) == null ? -1 : number(m.group(5), line);
    if (m.group(1).equals("RW")) {
      if (type.equals("FLAT") ? offset < 0 : m.group(5) != null) {
        throw damaged("vmdk", "invalid extent line \"" + line + "\"");
      }
    }
    return new Extent(m.group(1), sectors, type, m.group(4), offset);
  }

  private static long number(String digits, String line) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw damaged("vmdk", "a number out of range in extent line \"" + line + "\"");
    }
  }

  Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  /** The guest size qemu computes: the counted extents' sectors, in bytes. */
  long virtualSize() {
    long sectors = 0;
    for (Extent e : extents) {
      if (e.counted()) {
        try {
          sectors = Math.addExact(sectors, e.sectors());
        } catch (ArithmeticException overflow) {
          throw damaged("vmdk", "the extents' sizes overflow");
        }
      }
    }
    if (sectors > Long.MAX_VALUE / 512) {
      throw damaged("vmdk", "the extents' sizes overflow");
    }
    return sectors * 512;
  }
}
