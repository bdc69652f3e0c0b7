package io.stowage.filesystem;


import io.stowage.api.BadLocationException;
import io.stowage.api.ImageIds;
import io.stowage.api.InvalidRequestException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps between image files and their URIs, {@code file:///folder/<image id>}. A URI maps back
 * only to a file directly inside one of the store's folders whose name is a valid image id, so
 * that a location can never reach any other file.
 */
final class Locations {
  static final Set<String> SCHEMES = Set.of("file", "filesystem");

  private final List<Path> folders;

  Locations(List<Path> folders) {
    this.folders = List.copyOf(folders);
  }

  /** The URI of an image file. */
  static URI uriOf(Path file) {
    return file.toUri();
  }

  /**
   * The image file {@code uri} names.
   *
   * @throws BadLocationException the URI is not a file in one of the store's folders
   */
  Path fileOf(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw bad(uri, "its scheme is not file or filesystem");
    }
    if (uri.isOpaque() || uri.getPath() == null || uri.getPath().isEmpty()) {
      throw bad(uri, "it has no absolute path");
    }
    String host = uri.getAuthority();
    if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
      throw bad(uri, "it names host \"" + host + "\"");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw bad(uri, "it has a query or fragment");
    }
    String decoded = uri.getPath();
    for (String segment : decoded.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        throw bad(uri, "its path contains \"" + segment + "\"");
      }
    }
    Path file;
    try {
      file = Path.of(decoded);
    } catch (InvalidPathException e) {
      throw bad(uri, "its path is not usable: " + e.getReason());
    }
    if (!file.isAbsolute() || file.getFileName() == null) {
      throw bad(uri, "it has no absolute path");
    }
    if (!folders.contains(file.getParent())) {
      throw bad(uri, "it is not in one of this store's folders");
    }
    try {
      ImageIds.requireValid(file.getFileName().toString());
    } catch (InvalidRequestException e) {
      throw bad(uri, e.getMessage());
    }
    return file;
  }

  /** Whether {@code uri} names a file this store could hold. */
  boolean owns(URI uri) {
    try {
      fileOf(uri);
      return true;
    } catch (BadLocationException e) {
      return false;
    }
  }

  private static BadLocationException bad(URI uri, String why) {
    return new BadLocationException(
        "location \"" + uri + "\" is not an image of this filesystem store: " + why);
  }
}
