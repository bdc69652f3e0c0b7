package io.stowage.filesystem;

import io.stowage.api.IoFailures;

import io.stowage.api.StorageFullException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the folder for an image as glance_store does: the highest priority first; among
 * folders of equal priority, the one with the most usable space that can hold the image.
 */
final class Placement {
  private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

  /** Usable bytes in a folder's file system. */
  @FunctionalInterface
  interface FreeSpace {
    long of(Path folder) throws IOException;
  }

  static final FreeSpace USABLE = folder -> Files.getFileStore(folder).getUsableSpace();

  private Placement() {}

  /**
   * The folder to write {@code size} bytes to ({@code 0} when the size is unknown).
   *
   * @throws StorageFullException no folder has that much room; nothing has been written
   */
  static Datadir choose(List<Datadir> folders, long size, FreeSpace space) {
    Map<Long, List<Datadir>> byPriority =
        folders.stream()
            .collect(
                Collectors.groupingBy(
                    Datadir::priority,
                    () -> new TreeMap<>(Comparator.reverseOrder()),
                    Collectors.toList()));
    long mostFree = 0;
    for (List<Datadir> group : byPriority.values()) {
      Datadir best = null;
      long bestFree = -1;
      for (Datadir d : group) {
        long free = freeSpace(d, space);
        mostFree = Math.max(mostFree, free);
        if (free >= size && free > bestFree) {
          best = d;
          bestFree = free;
        }
      }
      if (best != null) {
        return best;
      }
    }
    throw new StorageFullException(
        "no data folder has room for " + size + " bytes (the most usable space is "
            + mostFree + " bytes)");
  }

  private static long freeSpace(Datadir d, FreeSpace space) {
    try {
      return space.of(d.path());
    } catch (IOException e) {
      LOG.warn("cannot tell the free space of {}: {}", d.path(), IoFailures.describe(e));
      return 0;
    }
  }
}
