package io.stowage.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What is under a store's work dir: each file with its size, and each folder. A failed add is
 * compared by {@link #files()} alone (a store may keep an empty folder it made for it, but no
 * bytes); a refused one, which the store never started, by everything.
 */
record WorkDirSnapshot(Map<String, Long> files, Set<String> folders) {

  static WorkDirSnapshot of(Path dir) {
    Map<String, Long> files = new TreeMap<>();
    Set<String> folders = new TreeSet<>();
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.forEach(p -> {
          String name = dir.relativize(p).toString();
          if (Files.isDirectory(p)) {
            folders.add(name);
          } else {
            files.put(name, sizeOf(p));
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("tck: cannot list " + dir, e);
      }
    }
    return new WorkDirSnapshot(
        Collections.unmodifiableMap(files), Collections.unmodifiableSet(folders));
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
