package io.stowage.cache.xattr;

import io.stowage.api.IoFailures;

import io.stowage.api.cache.CachedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed entries in memory, ordered by id and by last access, so that size, listing and
 * least-recently-accessed queries cost no file system calls beyond one {@code stat} of the
 * folder. It is valid while the folder's generation (bumped by every Stowage process on every
 * change) and the folder's modification time (which changes when anything, Stowage or not, adds
 * or removes an entry) are what they were when it was last brought up to date. This process's
 * own changes are applied in place; anyone else's make the next query bring it up to date.
 *
 * <p>Bringing it up to date reads the {@link IndexSnapshot} the last process saved, if that
 * describes the folder as it is now; otherwise it reads the folder (a {@code stat} and an
 * attribute read per entry) and saves a new snapshot. The last driver of a folder in a JVM saves
 * the index when it closes, if it is current. A process's first commit or delete loads the index
 * first (from the snapshot, or by reading the folder), so that it can apply its changes in place
 * and save the result; hits do not (they are applied in place only to a loaded index).
 *
 * <p>Thread-safe: every method holds the index's monitor.
 */
final class EntryIndex {
  private static final Logger LOG = LoggerFactory.getLogger(EntryIndex.class);
  private static final Comparator<CachedImage> BY_ACCESS =
      Comparator.comparing(CachedImage::lastAccessed).thenComparing(CachedImage::imageId);

  private final CacheFolder folder;
  private final TreeMap<String, CachedImage> byId = new TreeMap<>();
  /** Made when first asked for (a list does not need it): {@link #accessOrdered}. */
  private final TreeSet<CachedImage> byAccess = new TreeSet<>(BY_ACCESS);
  private boolean byAccessBuilt;
  private final HashMap<String, AccessRecord> records = new HashMap<>();
  private long totalSize;
  private long seenGeneration = -1;
  private FileTime seenModified = FileTime.fromMillis(0);
  private long savedGeneration = -1;
  private long rescans;
  private long snapshotLoads;

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
    TreeSet<CachedImage> ordered = accessOrdered();
    return ordered.isEmpty() ? Optional.empty() : Optional.of(ordered.first());
  }

  /** How many times the index read the whole folder (for tests and benchmarks). */
  synchronized long rescans() {
    return rescans;
  }

  /** How many times the index was read from a saved snapshot (for tests and benchmarks). */
  synchronized long snapshotLoads() {
    return snapshotLoads;
  }

  /** Records this process's commit: {@code image} now is (or replaces) its id's entry. */
  synchronized void put(CachedImage image, AccessRecord record) throws IOException {
    add(image, record);
    changed(true);
  }

  private void add(CachedImage image, AccessRecord record) {
    forget(image.imageId());
    byId.put(image.imageId(), image);
    if (byAccessBuilt) {
      byAccess.add(image);
    }
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
      if (byAccessBuilt) {
        byAccess.remove(old);
      }
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

  /**
   * Called before this process changes the folder (before the rename, unlink or attribute
   * write), so that its first change finds the snapshot still describing the folder.
   */
  synchronized void beforeChange() {
    try {
      loadOnce();
    } catch (IOException e) {
      // The change goes ahead; the index stays unloaded and the next query reads the folder.
      LOG.debug("cannot read the cache folder {}: {}", folder.base, IoFailures.describe(e));
    }
  }

  /** Brings the index up to date if this process has not loaded it yet. */
  private void loadOnce() throws IOException {
    if (seenGeneration == -1) {
      refresh();
    }
  }

  private void refresh() throws IOException {
    long generation = folder.generation();
    FileTime modified = modified();
    if (generation == seenGeneration && modified.equals(seenModified)) {
      return;
    }
    byId.clear();
    byAccess.clear();
    byAccessBuilt = false;
    records.clear();
    totalSize = 0;
    IndexSnapshot.Label label = new IndexSnapshot.Label(folder.identity(), generation,
        modified.to(TimeUnit.NANOSECONDS));
    Optional<List<IndexSnapshot.Entry>> saved = IndexSnapshot.load(folder.base, label);
    if (saved.isPresent()) {
      // In id order: the tree is built in linear time, without comparisons.
      byId.putAll(new InOrder(saved.get()));
      for (IndexSnapshot.Entry entry : saved.get()) {
        entry.record().ifPresent(r -> records.put(entry.image().imageId(), r));
        totalSize += entry.image().size();
      }
      seenGeneration = generation;
      seenModified = modified;
      savedGeneration = generation;
      snapshotLoads++;
      return;
    }
    // Generation and time read before scanning: a change during the scan makes the next query
    // (and any process that finds the snapshot) read the folder again.
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.base)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        Optional<Scanned> entry = scan(file, name);
        if (entry.isPresent()) {
          include(entry.get().image(), entry.get().record());
        }
      }
    }
    seenGeneration = generation;
    seenModified = modified;
    rescans++;
    save(label);
  }

  private void include(CachedImage image, Optional<AccessRecord> record) {
    byId.put(image.imageId(), image);
    record.ifPresent(r -> records.put(image.imageId(), r));
    totalSize += image.size();
  }

  private TreeSet<CachedImage> accessOrdered() {
    if (!byAccessBuilt) {
      byAccess.addAll(byId.values());
      byAccessBuilt = true;
    }
    return byAccess;
  }

  /**
   * Snapshot entries, which are in id order, as the {@link SortedMap} that {@link TreeMap#putAll}
   * builds a tree from without comparing keys. Only what {@code putAll} calls is implemented.
   */
  private static final class InOrder extends AbstractMap<String, CachedImage>
      implements SortedMap<String, CachedImage> {
    private final List<IndexSnapshot.Entry> entries;

    InOrder(List<IndexSnapshot.Entry> entries) {
      this.entries = entries;
    }

    @Override
    public Set<Map.Entry<String, CachedImage>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, CachedImage>> iterator() {
          Iterator<IndexSnapshot.Entry> it = entries.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Map.Entry<String, CachedImage> next() {
              CachedImage image = it.next().image();
              return new SimpleImmutableEntry<>(image.imageId(), image);
            }
          };
        }

        @Override
        public int size() {
          return entries.size();
        }
      };
    }

    @Override
    public Comparator<? super String> comparator() {
      return null; // natural order, as byId's
    }

    @Override
    public SortedMap<String, CachedImage> subMap(String from, String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, CachedImage> headMap(String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, CachedImage> tailMap(String from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String firstKey() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String lastKey() {
      throw new UnsupportedOperationException();
    }
  }

  /** Saves the index for the next process if it is current and not saved as it is. */
  synchronized void saveIfCurrent() {
    try {
      FileTime modified = modified();
      long generation = folder.generation();
      if (generation == seenGeneration && modified.equals(seenModified)
          && savedGeneration != generation) {
        save(new IndexSnapshot.Label(folder.identity(), generation,
            modified.to(TimeUnit.NANOSECONDS)));
      }
    } catch (IOException e) {
      LOG.debug("cannot save the cache index of {}: {}", folder.base, IoFailures.describe(e));
    }
  }

  private void save(IndexSnapshot.Label label) {
    try {
      IndexSnapshot.save(folder.base, label, byId.values(), records::get);
      savedGeneration = label.generation();
    } catch (IOException e) {
      // A read-only folder, say: the next process reads the folder, as this one did.
      LOG.debug("cannot save the cache index of {}: {}", folder.base, IoFailures.describe(e));
    }
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
