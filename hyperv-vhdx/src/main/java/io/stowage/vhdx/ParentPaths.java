package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parent locator paths, read and written. Windows writes {@code relative_path} with
 * backslashes ({@code .\parent.vhdx}); on POSIX hosts {@code absolute_win32_path} holds the
 * absolute path with its slashes turned into backslashes. Paths are tried in the specification's order.
 */
final class ParentPaths {
  static final String LINKAGE = "parent_linkage";
  static final String RELATIVE = "relative_path";
  static final String VOLUME = "volume_path";
  static final String ABSOLUTE = "absolute_win32_path";

  private ParentPaths() {}

  static Guid linkage(ParentLocator loc) {
    String v = loc.entries().get(LINKAGE);
    if (v == null) {
      throw new InvalidImageDataException("the parent locator lacks parent_linkage");
    }
    return Guid.parse(v)
        .orElseThrow(() -> new InvalidImageDataException(
            "parent_linkage \"" + v + "\" is not a GUID"));
  }

  static List<Path> candidates(Path child, ParentLocator loc) {
    Path dir = child.toAbsolutePath().getParent();
    List<Path> out = new ArrayList<>();
    for (String key : List.of(RELATIVE, VOLUME, ABSOLUTE)) {
      String v = loc.entries().get(key);
      if (v == null || v.isEmpty()) {
        continue;
      }
      String s = v.startsWith("\\\\?\\") ? v.substring(4) : v;
      if (s.matches("^[A-Za-z]:.*") || s.startsWith("\\\\") || s.indexOf('\0') >= 0) {
        continue; // a Windows drive or volume: not reachable from here
      }
      s = s.replace('\\', '/');
      try {
        out.add(key.equals(RELATIVE) ? dir.resolve(s).normalize() : Path.of(s).normalize());
      } catch (InvalidPathException e) {
        // an unusable path is skipped like a missing one
      }
    }
    return out;
  }

  static Optional<Path> find(Path child, ParentLocator loc) {
    return candidates(child, loc).stream().filter(VhdxDisks::isFile).findFirst();
  }

  /** A locator naming {@code parent} (as seen from {@code child}) and its linkage. */
  static ParentLocator locator(Path child, Path parent, Guid linkage) {
    Path c = child.toAbsolutePath().normalize();
    Path p = parent.toAbsolutePath().normalize();
    String rel = c.getParent().relativize(p).toString().replace('/', '\\');
    if (!rel.startsWith("..")) {
      rel = ".\\" + rel;
    }
    Map<String, String> e = new LinkedHashMap<>();
    // lowercase, as Hyper-V writes it: libvhdi refuses some uppercase hex digits here
    e.put(LINKAGE, "{" + linkage.toString().toLowerCase(java.util.Locale.ROOT) + "}");
    e.put(RELATIVE, rel);
    // with backslashes, as a Win32 path: readers (libvhdi) take the name after the last one
    e.put(ABSOLUTE, p.toString().replace('/', '\\'));
    return new ParentLocator(e);
  }
}
