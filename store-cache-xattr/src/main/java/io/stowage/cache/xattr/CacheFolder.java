package io.stowage.cache.xattr;

import io.stowage.api.IoFailures;

import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.ImageIds;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One cache folder as every driver in this JVM shares it: the seed's layout (entries in the
 * folder, {@code incomplete/}, {@code invalid/}, {@code queue/}) plus the hidden state file
 * {@code .stowage-state}, which coordinates processes:
 *
 * <ul>
 *   <li>its first page is mapped into memory and holds two counters every process updates with
 *       atomic instructions: the <em>generation</em> (bumped by every change, so an index can
 *       tell whether another process changed anything) and the queue sequence;
 *   <li>byte-range locks on it ({@code fcntl}, released by the kernel when a process dies)
 *       serialize hit updates ({@link #HIT_STRIPES} stripes) and mark live writers (one range
 *       per image id).
 * </ul>
 *
 * <p>POSIX drops all of a process's locks on a file when any descriptor of that file closes, and
 * the JDK refuses overlapping locks within one JVM; so one channel per folder per JVM holds every
 * lock, shared by reference count, with in-JVM locks in front of the file locks.
 */
final class CacheFolder {
  static final int HIT_STRIPES = 1024;
  private static final long HIT_LOCK_BASE = 4096;
  private static final long WRITER_LOCK_BASE = 1L << 32;
  private static final int STATE_PAGE = 4096;
  private static final int GENERATION = 0;
  private static final int QUEUE_SEQUENCE = 8;
  private static final int IDENTITY = 16;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final Set<String> RESERVED = Set.of("incomplete", "invalid", "queue");
  private static final Map<Path, CacheFolder> OPEN = new HashMap<>();

  final Path base;
  final Path incomplete;
  final Path invalid;
  final Path queue;
  final EntryIndex index;
  private final FileChannel state;
  private final MappedByteBuffer counters;
  private final ReentrantLock[] stripes = new ReentrantLock[HIT_STRIPES];
  private final Set<String> writing = new java.util.HashSet<>();
  private int users;

  private CacheFolder(Path base, FileChannel state, MappedByteBuffer counters) {
    this.base = base;
    this.incomplete = base.resolve("incomplete");
    this.invalid = base.resolve("invalid");
    this.queue = base.resolve("queue");
    this.state = state;
    this.counters = counters;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    this.index = new EntryIndex(this);
  }

  /**
   * The folder at {@code dir}, created with its subfolders if missing and checked for user
   * extended attributes by writing a probe file, as Glance's driver does.
   *
   * @throws BadStoreConfigurationException (path {@code dir}) the folder cannot be created or
   *     written, or its file system keeps no user extended attributes
   */
  static CacheFolder open(Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(base);
      base = base.toRealPath();
    } catch (IOException e) {
      throw new BadStoreConfigurationException("dir",
          "cannot create the cache folder " + base + ": " + IoFailures.describe(e), e);
    }
    synchronized (OPEN) {
      CacheFolder folder = OPEN.get(base);
      if (folder == null) {
        folder = create(base);
        OPEN.put(base, folder);
      }
      folder.users++;
      return folder;
    }
  }

  private static CacheFolder create(Path base) {
    try {
      for (String sub : RESERVED) {
        Files.createDirectories(base.resolve(sub));
      }
      Path own = Files.createDirectories(base.resolve(IndexSnapshot.FOLDER));
      // Snapshots a killed process was writing when it died.
      io.stowage.api.io.AtomicFile.removeAbandoned(own);
      // In a subfolder: a probe in the cache folder would change its modification time, which
      // labels the index snapshot.
      probeXattrs(base, own);
      FileChannel state = FileChannel.open(base.resolve(".stowage-state"),
          StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        // Mapping past the end grows the file with zeros; never truncated, so a process that
        // maps it later sees the same counters.
        MappedByteBuffer counters = state.map(FileChannel.MapMode.READ_WRITE, 0, STATE_PAGE);
        return new CacheFolder(base, state, counters);
      } catch (IOException | RuntimeException e) {
        state.close();
        throw e;
      }
    } catch (AccessDeniedException e) {
      throw new BadStoreConfigurationException("dir", "cannot write in the cache folder " + base
          + ": permission denied; give the service's user write access to it", e);
    } catch (IOException e) {
      throw new BadStoreConfigurationException("dir",
          "cannot use the cache folder " + base + ": " + IoFailures.describe(e), e);
    }
  }

  /** Glance's configure(): write a file, tag it, remove it. */
  private static void probeXattrs(Path base, Path where) throws IOException {
    Path probe = where.resolve(".xattr-probe-" + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Files.write(probe, "XXX".getBytes(StandardCharsets.US_ASCII));
    try {
      Xattrs.write(probe, Xattrs.HITS, "1");
      if (!Xattrs.read(probe, Xattrs.HITS).equals(java.util.Optional.of("1"))) {
        throw new java.nio.file.FileSystemException(probe.toString(), null,
            "Operation not supported (attribute did not read back)");
      }
    } catch (IOException e) {
      if (Xattrs.unsupported(e)) {
        throw new BadStoreConfigurationException("dir", "the file system of the cache folder "
            + base + " does not support user extended attributes (" + IoFailures.describe(e)
            + "); move the cache to one that does (ext4, xfs, btrfs, tmpfs on Linux 6.6+; not "
            + "ramfs) or add user_xattr to its mount options in /etc/fstab", e);
      }
      throw e;
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /**
   * Drops this driver's use of the folder; the last user saves the index (if it is current) for
   * the next process and closes the state file.
   */
  void release() {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(base);
      index.saveIfCurrent();
      try {
        state.close();
      } catch (IOException e) {
        // Nothing to keep: the kernel drops the locks with the descriptor anyway.
      }
    }
  }

  /**
   * {@code imageId}, checked: it obeys {@link ImageIds} and is not the name of a subfolder.
   *
   * @throws InvalidRequestException if not
   */
  static String checkId(String imageId) {
    ImageIds.requireValid(imageId);
    if (RESERVED.contains(imageId)) {
      throw new InvalidRequestException(
          "image id \"" + imageId + "\" is the name of a cache subfolder");
    }
    return imageId;
  }

  Path entry(String id) {
    return base.resolve(id);
  }

  /**
   * A random number that names this state file (set by the first process that maps it): a
   * folder whose state file was removed and made again has a new one, so an index snapshot of
   * the old one is not taken for current even if the generations happen to agree.
   */
  long identity() {
    long id = (long) LONGS.getVolatile(counters, IDENTITY);
    while (id == 0) {
      long fresh = ThreadLocalRandom.current().nextLong() | 1;
      id = LONGS.compareAndSet(counters, IDENTITY, 0L, fresh)
          ? fresh : (long) LONGS.getVolatile(counters, IDENTITY);
    }
    return id;
  }

  /** The current generation; changes whenever any process changes the folder. */
  long generation() {
    return (long) LONGS.getVolatile(counters, GENERATION);
  }

  /** Bumps the generation and returns its value before. */
  long bumpGeneration() {
    return (long) LONGS.getAndAdd(counters, GENERATION, 1L);
  }

  /** The next queue sequence number, unique across processes. */
  long nextQueueSequence() {
    return (long) LONGS.getAndAdd(counters, QUEUE_SEQUENCE, 1L) + 1;
  }

  /** Something done while holding the hit lock of one image. */
  interface Locked<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code body} holding the image's hit lock, which every process's hit update of that
   * image takes: an in-JVM lock and then the {@code fcntl} lock of its stripe.
   */
  <T> T underHitLock(String id, Locked<T> body) throws IOException {
    int stripe = Math.floorMod(id.hashCode(), HIT_STRIPES);
    ReentrantLock local = stripes[stripe];
    local.lock();
    try (FileLock lock = state.lock(HIT_LOCK_BASE + stripe, 1, false)) {
      return body.run();
    } finally {
      local.unlock();
    }
  }

  /**
   * Marks {@code id} as being written by the caller: takes its writer lock, which another
   * writer (thread or process) holds for as long as it writes. Empty if another holds it.
   */
  java.util.Optional<FileLock> claimWriter(String id) throws IOException {
    synchronized (writing) {
      if (writing.contains(id)) {
        return java.util.Optional.empty();
      }
      FileLock lock;
      try {
        lock = state.tryLock(writerOffset(id), 1, false);
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        return java.util.Optional.empty();
      }
      writing.add(id);
      return java.util.Optional.of(lock);
    }
  }

  /** Ends the caller's claim on {@code id}. */
  void releaseWriter(String id, FileLock lock) {
    synchronized (writing) {
      writing.remove(id);
      try {
        lock.release();
      } catch (IOException e) {
        // The channel is gone, and the lock with it.
      }
    }
  }

  /** Whether a live writer, in this or another process, holds {@code id}'s writer lock. */
  boolean writerAlive(String id) throws IOException {
    synchronized (writing) {
      if (writing.contains(id)) {
        return true;
      }
      try {
        FileLock probe = state.tryLock(writerOffset(id), 1, true);
        if (probe == null) {
          return true;
        }
        probe.release();
        return false;
      } catch (OverlappingFileLockException e) {
        return true;
      }
    }
  }

  /** A range of the state file that stands for {@code id}: 62 bits of its SHA-256. */
  private static long writerOffset(String id) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return WRITER_LOCK_BASE + (v >>> 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
