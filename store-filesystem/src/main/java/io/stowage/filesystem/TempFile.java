package io.stowage.filesystem;

import io.stowage.api.IoFailures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hidden file an image is written to before it gets its final name:
 * {@code .<id prefix>.<16 hex digits>.tmp} in the image's folder, so that the rename cannot
 * cross file systems. Image ids never start with {@code .}, so these names never clash with
 * images.
 *
 * <p>The writer holds an exclusive lock on the file while it lives. Leftovers are deleted at
 * store start only when no one holds that lock, so a store starting does not break another
 * process's add into a shared folder. Files this JVM is writing are skipped without being
 * opened: closing any descriptor of a file drops the process's POSIX locks on it.
 */
final class TempFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TempFile.class);
  private static final Pattern NAME = Pattern.compile("\\..*\\.[0-9a-f]{16}\\.tmp");
  private static final int ID_PREFIX_BYTES = 96;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final RandomAccessFile file;
  private final Optional<FileLock> lock;

  private TempFile(Path path, RandomAccessFile file, Optional<FileLock> lock) {
    this.path = path;
    this.file = file;
    this.lock = lock;
  }

  /** Creates and locks a new temporary file for image {@code id} in {@code folder}. */
  static TempFile create(Path folder, String id) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path path = folder.resolve(name(id));
      LIVE.add(path);
      RandomAccessFile file;
      try {
        Files.createFile(path);
        file = new RandomAccessFile(path.toFile(), "rw");
      } catch (IOException e) {
        LIVE.remove(path);
        Files.deleteIfExists(path);
        throw e;
      }
      try {
        Optional<FileLock> lock = lock(file, path);
        // A starting store may have deleted the file between its creation and the lock.
        if (Files.exists(path)) {
          return new TempFile(path, file, lock);
        }
      } catch (OverlappingFileLockException raced) {
        // A store of this JVM that reaches the folder by another path is cleaning up and
        // holds it; it will delete the file.
      } catch (IOException | RuntimeException e) {
        file.close();
        LIVE.remove(path);
        Files.deleteIfExists(path);
        throw e;
      }
      file.close();
      LIVE.remove(path);
      if (attempt == 3) {
        throw new IOException("temporary files in " + folder + " keep being removed");
      }
    }
  }

  // Without lock support (an NFS mount with nolock) the file is written unlocked; starting
  // stores then leave it alone, since they cannot tell whether it is abandoned.
  private static Optional<FileLock> lock(RandomAccessFile file, Path path) throws IOException {
    try {
      return Optional.of(file.getChannel().lock());
    } catch (FileLockInterruptionException e) {
      throw e;
    } catch (IOException e) {
      LOG.warn("cannot lock {}, writing it unlocked: {}", path, IoFailures.describe(e));
      return Optional.empty();
    }
  }

  Path path() {
    return path;
  }

  FileChannel channel() {
    return file.getChannel();
  }

  /** Sets the file's length, making a hole of whatever was skipped at the end. */
  void setLength(long length) throws IOException {
    file.setLength(length);
  }

  /** Closes the file, keeping it. */
  @Override
  public void close() throws IOException {
    try {
      if (lock.isPresent() && lock.get().isValid()) {
        lock.get().release();
      }
    } finally {
      try {
        file.close();
      } finally {
        LIVE.remove(path);
      }
    }
  }

  /** Deletes and closes the file, logging rather than throwing if that fails. */
  void discard() {
    // Deleted while still locked, so no starting store ever sees it unclaimed.
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("could not remove the temporary file {}: {}", path, IoFailures.describe(e));
    }
    try {
      close();
    } catch (IOException e) {
      LOG.debug("closing {} failed", path, e);
    }
  }

  /**
   * Deletes the temporary files in {@code folder} that no live writer holds (left by a crash).
   *
   * @return how many were deleted
   */
  static int removeLeftovers(Path folder) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(folder, p -> NAME.matcher(p.getFileName().toString()).matches())) {
      for (Path p : entries) {
        if (removeIfAbandoned(p)) {
          removed++;
        }
      }
    }
    return removed;
  }

  // A shared lock needs only read access, which file_perm always leaves the owner.
  private static boolean removeIfAbandoned(Path p) {
    if (LIVE.contains(p)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      FileLock held = ch.tryLock(0, Long.MAX_VALUE, true);
      if (held == null) {
        return false;
      }
      Files.delete(p);
      LOG.info("removed {}, left by an interrupted add", p);
      return true;
    } catch (OverlappingFileLockException | NoSuchFileException gone) {
      return false;
    } catch (IOException e) {
      LOG.warn("could not remove the leftover temporary file {}: {}", p, IoFailures.describe(e));
      return false;
    }
  }

  private static String name(String id) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return "." + prefix(id) + "." + HexFormat.of().formatHex(random) + ".tmp";
  }

  // Keeps the name within NAME_MAX (255 bytes) whatever the id's length and characters.
  private static String prefix(String id) {
    int end = 0;
    int bytes = 0;
    while (end < id.length()) {
      int cp = id.codePointAt(end);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > ID_PREFIX_BYTES) {
        break;
      }
      bytes += len;
      end += Character.charCount(cp);
    }
    return id.substring(0, end);
  }
}
