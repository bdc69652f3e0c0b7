package io.stowage.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files under a store's work dir and their sizes. Directories are left out: a store may
 * keep an empty folder it made for an add that failed, but no bytes.
 */
record WorkDirSnapshot(Map<String, Long> files) {

  static WorkDirSnapshot of(Path dir) {
    Map<String, Long> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return new WorkDirSnapshot(files);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> !Files.isDirectory(p))
          .forEach(p -> files.put(dir.relativize(p).toString(), sizeOf(p)));
    } catch (IOException e) {
      throw new UncheckedIOException("tck: cannot list " + dir, e);
    }
    return new WorkDirSnapshot(Collections.unmodifiableMap(files));
  }

  private static long sizeOf(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      // Gone between listing and sizing: the store is still cleaning up.
      return -1;
    }
  }
}
