package io.stowage.cache.xattr;

import io.stowage.api.IoFailures;

import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.LockedException;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glance's xattr cache driver with exact bookkeeping. See {@link CacheFolder} for the layout and
 * how processes coordinate, {@link AccessRecord} for what each entry carries, {@link
 * EntryIndex} for why size and LRU queries are cheap, {@link EntryWriter} for the write path.
 */
final class XattrCacheDriver implements CacheDriver {
  private static final Logger LOG = LoggerFactory.getLogger(XattrCacheDriver.class);

  private final CacheFolder folder;
  private final AtomicBoolean closed = new AtomicBoolean();

  private XattrCacheDriver(CacheFolder folder) {
    this.folder = folder;
  }

  /** A driver over {@code dir}; see {@link CacheFolder#open}. */
  static XattrCacheDriver open(Path dir) {
    return new XattrCacheDriver(CacheFolder.open(dir));
  }

  /** Now, in the precision access records keep. */
  static Instant now() {
    Instant now = Instant.now();
    return Instant.ofEpochSecond(now.getEpochSecond(), now.getNano() / 1000 * 1000);
  }

  /** How many times this JVM's index of the folder read the whole folder. */
  long rescans() {
    return folder.index.rescans();
  }

  /** How many times this JVM's index of the folder was read from a saved snapshot. */
  long snapshotLoads() {
    return folder.index.snapshotLoads();
  }

  @Override
  public long totalSize() {
    try {
      return folder.index.totalSize();
    } catch (IOException e) {
      throw IoFailures.onRead("reading the cache folder " + folder.base, e);
    }
  }

  @Override
  public long hits(String imageId) {
    return cachedImage(imageId).map(CachedImage::hits).orElse(0L);
  }

  @Override
  public List<CachedImage> cachedImages() {
    try {
      return folder.index.all();
    } catch (IOException e) {
      throw IoFailures.onRead("reading the cache folder " + folder.base, e);
    }
  }

  @Override
  public Optional<CachedImage> cachedImage(String imageId) {
    String id = CacheFolder.checkId(imageId);
    try {
      return EntryIndex.read(folder.entry(id), id);
    } catch (IOException e) {
      throw IoFailures.onRead("reading cache entry " + id, e);
    }
  }

  @Override
  public boolean isCached(String imageId) {
    return Files.isRegularFile(folder.entry(CacheFolder.checkId(imageId)), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public boolean isBeingCached(String imageId) {
    String id = CacheFolder.checkId(imageId);
    try {
      return folder.writerAlive(id);
    } catch (IOException e) {
      throw IoFailures.onRead("checking the writer of " + id, e);
    }
  }

  @Override
  public boolean isQueued(String imageId) {
    return Files.exists(folder.queue.resolve(CacheFolder.checkId(imageId)), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public boolean queue(String imageId) {
    String id = CacheFolder.checkId(imageId);
    if (isCached(id) || isBeingCached(id)) {
      return false;
    }
    // The sequence orders images queued within one tick of the file system's clock; Glance's
    // own driver writes empty files and orders by modification time only.
    byte[] sequence = Long.toString(folder.nextQueueSequence()).getBytes(StandardCharsets.US_ASCII);
    try {
      Files.write(folder.queue.resolve(id), sequence, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw IoFailures.onWrite("queueing " + id, e);
    }
  }

  private record Queued(String id, long modifiedNanos, long sequence) {}

  @Override
  public List<String> queuedImages() {
    List<Queued> queued = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.queue)) {
      for (Path file : files) {
        try {
          BasicFileAttributes attributes =
              Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (!attributes.isRegularFile()) {
            continue;
          }
          long sequence = attributes.size() > 0 && attributes.size() < 32
              ? EntryIndex.parseCount(Files.readString(file, StandardCharsets.US_ASCII)) : 0;
          Instant modified = attributes.lastModifiedTime().toInstant();
          queued.add(new Queued(file.getFileName().toString(),
              modified.getEpochSecond() * 1_000_000_000L + modified.getNano(), sequence));
        } catch (NoSuchFileException e) {
          // Dequeued meanwhile.
        }
      }
    } catch (IOException e) {
      throw IoFailures.onRead("reading the cache queue " + folder.queue, e);
    }
    queued.sort(Comparator.comparingLong(Queued::modifiedNanos)
        .thenComparingLong(Queued::sequence).thenComparing(Queued::id));
    return queued.stream().map(Queued::id).toList();
  }

  @Override
  public Optional<ImageData> openForRead(String imageId) {
    String id = CacheFolder.checkId(imageId);
    Path path = folder.entry(id);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw IoFailures.onRead("opening cache entry " + id, e);
    }
    try {
      long size = channel.size();
      Optional<AccessRecord> counted = countHit(id, path, size);
      if (counted.isEmpty()) {
        channel.close();
        return Optional.empty();
      }
      // Entries never change once committed (a delete unlinks the name; this descriptor keeps
      // reading the same bytes). A file-backed ImageData: a server sends it with sendfile.
      return Optional.of(ImageData.ofFile(path, channel, 0, size));
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Read-only.
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw IoFailures.onRead("reading cache entry " + id, (IOException) e);
    }
  }

  /**
   * Adds one hit to the entry's record under the image's hit lock, so that no two updates
   * interleave between read and write, whichever processes make them. The record comes from
   * the index when no other process changed anything since (one attribute write per hit),
   * else from the file. Empty if the entry is damaged: its size differs from the committed one
   * (it is then moved to invalid).
   */
  private Optional<AccessRecord> countHit(String id, Path path, long size) throws IOException {
    Optional<AccessRecord> counted;
    try {
      // A hit does not load the index (the hot path stays one attribute read at most): it is
      // applied in place if the index is loaded and current, else the index stays stale.
      counted = folder.underHitLock(id, () -> {
        Optional<AccessRecord> old = folder.index.knownRecord(id).filter(r -> r.size() == size);
        if (old.isEmpty()) {
          old = Xattrs.read(path, Xattrs.ACCESS).flatMap(AccessRecord::parse);
        }
        AccessRecord record;
        if (old.isPresent()) {
          if (old.get().size() != size) {
            return Optional.empty();
          }
          record = old.get().hit(now());
        } else {
          // Written by Glance's driver: start from its counter.
          long glanceHits = Xattrs.read(path, Xattrs.HITS).map(EntryIndex::parseCount).orElse(0L);
          record = new AccessRecord(glanceHits, now(), size).hit(now());
        }
        Xattrs.write(path, Xattrs.ACCESS, record.text());
        // Before the lock is let go: the next holder must see the generation moved.
        folder.index.touch(id, record);
        return Optional.of(record);
      });
    } catch (NoSuchFileException e) {
      // Deleted after we opened it: the bytes we hold are still the whole entry.
      return Optional.of(new AccessRecord(0, now(), size));
    }
    if (counted.isEmpty()) {
      quarantine(id, path, "entry size is " + size + " bytes, not the size it was committed with");
    }
    return counted;
  }

  private void quarantine(String id, Path path, String reason) throws IOException {
    LOG.warn("cache entry {} is damaged ({}); moved to invalid/", id, reason);
    try {
      Xattrs.write(path, Xattrs.ERROR, reason);
      Files.move(path, folder.invalid.resolve(id), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      // Someone else moved or deleted it.
    }
    folder.index.remove(id);
  }

  @Override
  public CacheWriter openForWrite(String imageId, ExpectedImage expected) {
    String id = CacheFolder.checkId(imageId);
    if (isCached(id)) {
      throw new DuplicateException("image " + id + " is already cached");
    }
    Optional<FileLock> claim;
    try {
      claim = folder.claimWriter(id);
    } catch (IOException e) {
      throw IoFailures.onWrite("locking the cache write of " + id, e);
    }
    if (claim.isEmpty()) {
      throw new LockedException("image " + id + " is being cached by another writer");
    }
    try {
      if (isCached(id)) { // committed by the writer that held the claim before us
        throw new DuplicateException("image " + id + " is already cached");
      }
      AtomicFile file = AtomicFile.create(folder.entry(id), folder.incomplete, id);
      return new EntryWriter(folder, id, file, claim.get(), expected, XattrCacheDriver::now);
    } catch (IOException | RuntimeException e) {
      folder.releaseWriter(id, claim.get());
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw IoFailures.onWrite("starting the cache write of " + id, (IOException) e);
    }
  }

  @Override
  public boolean delete(String imageId) {
    String id = CacheFolder.checkId(imageId);
    try {
      folder.index.beforeChange();
      boolean deleted = Files.deleteIfExists(folder.entry(id));
      folder.index.remove(id);
      return deleted;
    } catch (IOException e) {
      throw IoFailures.onWrite("deleting cache entry " + id, e);
    }
  }

  @Override
  public int deleteAll() {
    int deleted = 0;
    for (Path file : regularFiles(folder.base)) {
      if (delete(file.getFileName().toString())) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public boolean dequeue(String imageId) {
    String id = CacheFolder.checkId(imageId);
    try {
      return Files.deleteIfExists(folder.queue.resolve(id));
    } catch (IOException e) {
      throw IoFailures.onWrite("dequeueing " + id, e);
    }
  }

  @Override
  public int dequeueAll() {
    int deleted = 0;
    for (Path file : regularFiles(folder.queue)) {
      if (dequeue(file.getFileName().toString())) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public Optional<CachedImage> leastRecentlyAccessed() {
    try {
      return folder.index.leastRecentlyAccessed();
    } catch (IOException e) {
      throw IoFailures.onRead("reading the cache folder " + folder.base, e);
    }
  }

  @Override
  public int reapInvalid(Duration grace) {
    int reaped = 0;
    Instant cutoff = Instant.now().minus(grace);
    for (Path file : regularFiles(folder.invalid)) {
      try {
        if (grace.isZero() || Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
          if (Files.deleteIfExists(file)) {
            reaped++;
          }
        }
      } catch (IOException e) {
        throw IoFailures.onWrite("reaping invalid cache entry " + file.getFileName(), e);
      }
    }
    if (reaped > 0) {
      LOG.info("reaped {} invalid cache entries", reaped);
    }
    return reaped;
  }

  @Override
  public int reapStalled(Duration grace) {
    int reaped = 0;
    try {
      // Temporary files no live writer holds: their process died mid-write.
      reaped += AtomicFile.removeAbandoned(folder.incomplete).size();
    } catch (IOException e) {
      throw IoFailures.onRead("listing " + folder.incomplete, e);
    }
    Instant cutoff = Instant.now().minus(grace);
    for (Path file : files(folder.incomplete, true)) {
      String name = file.getFileName().toString();
      try {
        boolean stale = grace.isZero()
            || Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
        // A live write past the stall time (or a write of Glance's driver, incomplete/<id>,
        // which takes no lock: by its age only, as Glance reaps).
        if (stale && Files.deleteIfExists(file)) {
          reaped++;
        }
      } catch (NoSuchFileException e) {
        // Committed or aborted meanwhile.
      } catch (IOException e) {
        throw IoFailures.onWrite("reaping stalled cache write " + name, e);
      }
    }
    if (reaped > 0) {
      LOG.info("reaped {} stalled cache writes", reaped);
    }
    return reaped;
  }

  private static List<Path> regularFiles(Path dir) {
    return files(dir, false);
  }

  /** The regular files in {@code dir}; hidden ones only {@code withHidden}. */
  private static List<Path> files(Path dir, boolean withHidden) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path file : stream) {
        if ((withHidden || !file.getFileName().toString().startsWith("."))
            && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          files.add(file);
        }
      }
    } catch (IOException e) {
      throw IoFailures.onRead("listing " + dir, e);
    }
    return files;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      folder.release();
    }
  }
}
