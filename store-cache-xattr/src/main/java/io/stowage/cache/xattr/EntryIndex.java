package io.stowage.cache.xattr;

import io.stowage.api.cache.CachedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The committed entries in memory, ordered by id and by last access, so that size, listing and
 * least-recently-accessed queries cost no file system calls beyond one {@code stat} of the
 * folder. It is valid while the folder's generation (bumped by every Stowage process on every
 * change) and the folder's modification time (which changes when anything, Stowage or not, adds
 * or removes an entry) are what they were when it was last brought up to date. This process's
 * own changes are applied in place; anyone else's make the next query read the folder again.
 *
 * <p>Thread-safe: every method holds the index's monitor.
 */
final class EntryIndex {
  private static final Comparator<CachedImage> BY_ACCESS =
      Comparator.comparing(CachedImage::lastAccessed).thenComparing(CachedImage::imageId);

  private final CacheFolder folder;
  private final TreeMap<String, CachedImage> byId = new TreeMap<>();
  private final TreeSet<CachedImage> byAccess = new TreeSet<>(BY_ACCESS);
  private final HashMap<String, AccessRecord> records = new HashMap<>();
  private long totalSize;
  private long seenGeneration = -1;
  private FileTime seenModified = FileTime.fromMillis(0);
  private long rescans;

  EntryIndex(CacheFolder folder) {
    this.folder = folder;
  }

  synchronized long totalSize() throws IOException {
    refresh();
    return totalSize;
  }

  synchronized List<CachedImage> all() throws IOException {
    refresh();
    return List.copyOf(byId.values());
  }

  synchronized Optional<CachedImage> leastRecentlyAccessed() throws IOException {
    refresh();
    return byAccess.isEmpty() ? Optional.empty() : Optional.of(byAccess.first());
  }

  /** How many times the index read the whole folder (for tests and benchmarks). */
  synchronized long rescans() {
    return rescans;
  }

  /** Records this process's commit: {@code image} now is (or replaces) its id's entry. */
  synchronized void put(CachedImage image, AccessRecord record) throws IOException {
    add(image, record);
    changed(true);
  }

  private void add(CachedImage image, AccessRecord record) {
    forget(image.imageId());
    byId.put(image.imageId(), image);
    byAccess.add(image);
    records.put(image.imageId(), record);
    totalSize += image.size();
  }

  /**
   * The entry's access record as this index knows it, if the index is current: no other
   * process changed anything since. The caller holds the entry's hit lock, under which every
   * process bumps the generation before it lets go, so a record returned here is the latest.
   */
  synchronized Optional<AccessRecord> knownRecord(String id) {
    if (folder.generation() != seenGeneration) {
      return Optional.empty();
    }
    return Optional.ofNullable(records.get(id));
  }

  /** Records this process's change: the entry of {@code id} is gone. */
  synchronized void remove(String id) throws IOException {
    forget(id);
    changed(true);
  }

  /**
   * Records a hit this process counted on an entry the index may or may not hold. Called under
   * the entry's hit lock (see {@link #knownRecord}).
   */
  synchronized void touch(String id, AccessRecord access) throws IOException {
    CachedImage old = byId.get(id);
    if (old != null) {
      add(new CachedImage(id, old.size(), old.lastModified(), access.lastAccessed(),
          access.hits()), access);
    }
    changed(false); // attributes only: the folder's modification time did not move
  }

  private void forget(String id) {
    CachedImage old = byId.remove(id);
    records.remove(id);
    if (old != null) {
      byAccess.remove(old);
      totalSize -= old.size();
    }
  }

  /**
   * Bumps the folder's generation. If nobody else bumped it since the index was last valid,
   * the index (with the change just applied) is still valid, and so is the folder's new
   * modification time; otherwise the next query reads the folder again.
   */
  private void changed(boolean folderChanged) throws IOException {
    long before = folder.bumpGeneration();
    if (before == seenGeneration) {
      seenGeneration = before + 1;
      if (folderChanged) {
        seenModified = modified();
      }
    } else {
      seenGeneration = -1;
    }
  }

  private void refresh() throws IOException {
    long generation = folder.generation();
    FileTime modified = modified();
    if (generation == seenGeneration && modified.equals(seenModified)) {
      return;
    }
    // Read before scanning: a change during the scan makes the next query scan again.
    byId.clear();
    byAccess.clear();
    records.clear();
    totalSize = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.base)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        Optional<Scanned> entry = scan(file, name);
        if (entry.isPresent()) {
          byId.put(name, entry.get().image());
          byAccess.add(entry.get().image());
          entry.get().record().ifPresent(r -> records.put(name, r));
          totalSize += entry.get().image().size();
        }
      }
    }
    seenGeneration = generation;
    seenModified = modified;
    rescans++;
  }

  private FileTime modified() throws IOException {
    return Files.getLastModifiedTime(folder.base);
  }

  /** An entry as read from the folder, with its record unless Glance's driver wrote it. */
  record Scanned(CachedImage image, Optional<AccessRecord> record) {}

  /**
   * The entry in {@code file}, from its attributes; empty if it is not a regular file (the
   * subfolders) or vanished meanwhile.
   */
  static Optional<CachedImage> read(Path file, String id) throws IOException {
    return scan(file, id).map(Scanned::image);
  }

  private static Optional<Scanned> scan(Path file, String id) throws IOException {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      Optional<AccessRecord> access =
          Xattrs.read(file, Xattrs.ACCESS).flatMap(AccessRecord::parse);
      long hits;
      if (access.isPresent()) {
        hits = access.get().hits();
      } else {
        // Written by Glance's own driver: its counter, and no access time but the file's.
        hits = Xattrs.read(file, Xattrs.HITS).map(EntryIndex::parseCount).orElse(0L);
      }
      return Optional.of(new Scanned(new CachedImage(id, attributes.size(),
          attributes.lastModifiedTime().toInstant(),
          access.map(AccessRecord::lastAccessed)
              .orElse(attributes.lastModifiedTime().toInstant()),
          hits), access));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  static long parseCount(String text) {
    try {
      return Math.max(0, Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

}
