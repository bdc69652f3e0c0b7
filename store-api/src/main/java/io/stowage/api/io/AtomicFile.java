package io.stowage.api.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The one way Stowage writes a file that must appear whole or not at all: the bytes go to a
 * hidden temporary file beside the target ({@code .<name prefix>.<16 hex digits>.tmp}, so the
 * final rename never crosses file systems), which gets the target's name only on
 * {@link #commit}. Until then nothing is visible under the target name; a failure, an
 * interrupt (SIGINT, SIGTERM) or {@link #close} without commit removes the temporary file.
 *
 * <p>A killed process cannot clean up after itself, so the writer holds an exclusive lock on its
 * temporary file while it lives, and {@link #removeAbandoned} deletes those no live writer
 * holds — call it where a folder is first used (a store's start, a command that writes into the
 * folder). Files this JVM writes are skipped without being opened: closing any descriptor of a
 * file drops the process's POSIX locks on it. On a file system without locks (NFS with
 * {@code nolock}) the file is written unlocked and left alone by {@code removeAbandoned}, which
 * cannot tell whether it is abandoned.
 *
 * <p>Not thread-safe: one thread writes one file. {@code removeAbandoned} may run concurrently
 * with writers in this and other processes.
 */
public final class AtomicFile implements AutoCloseable {
  /** How the target name is taken on commit. */
  public enum Commit {
    /** The target must not exist; if it appears meanwhile, commit fails and it is kept. */
    NEW,
    /** An existing target is replaced in one step. */
    REPLACE
  }

  private static final Pattern NAME = Pattern.compile("\\..*\\.[0-9a-f]{16}\\.tmp");
  private static final int PREFIX_BYTES = 96;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<AtomicFile> OPEN = ConcurrentHashMap.newKeySet();

  static {
    // An interrupted command (Ctrl-C, SIGTERM) must not leave its partial output behind.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(AtomicFile::discard),
        "stowage-atomic-file-cleanup"));
  }

  private final Path target;
  private final Path temporary;
  private final RandomAccessFile file;
  private final Optional<FileLock> lock;
  private boolean finished;

  private AtomicFile(Path target, Path temporary, RandomAccessFile file, Optional<FileLock> lock) {
    this.target = target;
    this.temporary = temporary;
    this.file = file;
    this.lock = lock;
  }

  /**
   * Creates and locks a new temporary file for {@code target} in the target's folder. The
   * target itself is not touched.
   *
   * @throws IOException the folder is missing or not writable, or the disk is full
   */
  public static AtomicFile create(Path target) throws IOException {
    return create(target, target.getFileName().toString());
  }

  /**
   * As {@link #create(Path)}, naming the temporary file after {@code hint} instead of the
   * target's name (a store names it after the image id).
   */
  public static AtomicFile create(Path target, String hint) throws IOException {
    Path absolute = target.toAbsolutePath();
    return create(absolute, absolute.getParent(), hint);
  }

  /**
   * As {@link #create(Path, String)}, with the temporary file in {@code workFolder} instead of
   * beside the target (an image cache keeps its writes under way in a folder of their own).
   * {@code workFolder} must be on the target's file system: {@link #commit} renames, and a rename
   * across file systems fails (the temporary file is then removed). {@link #removeAbandoned} of
   * {@code workFolder} cleans up after killed writers.
   *
   * @throws IOException the work folder is missing or not writable, or the disk is full
   */
  public static AtomicFile create(Path target, Path workFolder, String hint) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path folder = workFolder.toAbsolutePath();
    for (int attempt = 0; ; attempt++) {
      Path path = folder.resolve(name(hint));
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
        Optional<FileLock> lock = lock(file);
        // Another process's removeAbandoned may have deleted it between creation and lock.
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          AtomicFile created = new AtomicFile(absolute, path, file, lock);
          OPEN.add(created);
          return created;
        }
      } catch (OverlappingFileLockException raced) {
        // removeAbandoned in this JVM, reaching the folder by another path, holds it and
        // deletes it: take a new name.
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

  private static Optional<FileLock> lock(RandomAccessFile file) throws IOException {
    try {
      return Optional.of(file.getChannel().lock());
    } catch (FileLockInterruptionException e) {
      throw e;
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The name the file gets on commit. */
  public Path target() {
    return target;
  }

  /** Where the bytes are written until commit. */
  public Path temporary() {
    return temporary;
  }

  /** Whether the temporary file could be locked (false on file systems without locks). */
  public boolean locked() {
    return lock.isPresent();
  }

  /** The temporary file, open for reading and writing. */
  public FileChannel channel() {
    return file.getChannel();
  }

  /** Sets the file's length; growing it leaves a hole. */
  public void setLength(long length) throws IOException {
    file.setLength(length);
  }

  /**
   * Gives the file its target name. With {@code durable}, the data is flushed to the disk
   * before and the folder after, so the name survives a power loss. The temporary file is gone
   * afterwards, whatever the outcome.
   *
   * @throws FileAlreadyExistsException {@link Commit#NEW} and the target exists
   * @throws IOException the data or the name could not be written
   */
  public void commit(Commit how, boolean durable) throws IOException {
    if (finished) {
      throw new IllegalStateException(temporary + " is already committed or discarded");
    }
    try {
      if (durable) {
        file.getChannel().force(true);
      }
      if (how == Commit.REPLACE) {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } else {
        linkOrRename();
      }
      finished = true;
      if (durable) {
        syncFolder(target.getParent());
      }
    } finally {
      if (!finished) {
        discard();
      } else {
        release();
      }
    }
  }

  // A hard link fails when the target exists, where a rename would replace it: no check-then-act
  // race. File systems without hard links (vfat) fall back to a checked rename.
  private void linkOrRename() throws IOException {
    try {
      Files.createLink(target, temporary);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof FileSystemException f && !isNoLinkSupport(f)) {
        throw f;
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Files.delete(temporary);
  }

  private static boolean isNoLinkSupport(FileSystemException e) {
    String reason = String.valueOf(e.getReason());
    return reason.contains("Operation not permitted") || reason.contains("not supported");
  }

  /** Flushes a folder's entries (new names) to the disk. */
  public static void syncFolder(Path folder) throws IOException {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** Removes the temporary file unless committed. Never throws. */
  @Override
  public void close() {
    if (!finished) {
      discard();
    }
  }

  private void discard() {
    finished = true;
    // Deleted while still locked, so no removeAbandoned ever sees it unclaimed.
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      // Left for removeAbandoned: it is unlocked once this process is gone.
    }
    release();
  }

  private void release() {
    OPEN.remove(this);
    try {
      if (lock.isPresent() && lock.get().isValid()) {
        lock.get().release();
      }
    } catch (IOException e) {
      // closing the file below drops the lock too
    }
    try {
      file.close();
    } catch (IOException e) {
      // nothing of value is lost: the file is committed or deleted
    } finally {
      LIVE.remove(temporary);
    }
  }

  /**
   * Deletes the temporary files in {@code folder} that no live writer holds (left by a killed
   * process).
   *
   * @return the files deleted
   * @throws IOException the folder cannot be listed
   */
  public static java.util.List<Path> removeAbandoned(Path folder) throws IOException {
    return removeAbandoned(folder, "");
  }

  /**
   * As {@link #removeAbandoned(Path)}, limited to temporary files named after {@code hint} (a
   * command that writes {@code out.raw} removes only the leftovers of earlier writes of
   * {@code out.raw}, not other programs' files).
   */
  public static java.util.List<Path> removeAbandoned(Path folder, String hint) throws IOException {
    String prefix = "." + prefix(hint);
    java.util.List<Path> removed = new java.util.ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, p -> {
      String n = p.getFileName().toString();
      return n.startsWith(prefix) && NAME.matcher(n).matches()
          && (hint.isEmpty() || n.length() == prefix.length() + 21);
    })) {
      for (Path p : entries) {
        if (removeIfAbandoned(p)) {
          removed.add(p);
        }
      }
    } catch (NoSuchFileException gone) {
      return removed;
    }
    return removed;
  }

  // A shared lock needs only read access.
  private static boolean removeIfAbandoned(Path p) {
    if (LIVE.contains(p.toAbsolutePath())) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      FileLock held = ch.tryLock(0, Long.MAX_VALUE, true);
      if (held == null) {
        return false;
      }
      Files.delete(p);
      return true;
    } catch (OverlappingFileLockException | IOException gone) {
      return false;
    }
  }

  /** Whether {@code fileName} is the name of a temporary file of this class. */
  public static boolean isTemporaryName(String fileName) {
    return NAME.matcher(fileName).matches();
  }

  private static String name(String hint) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return "." + prefix(hint) + "." + HexFormat.of().formatHex(random) + ".tmp";
  }

  // Keeps the name within NAME_MAX (255 bytes) whatever the hint's length and characters.
  private static String prefix(String hint) {
    int end = 0;
    int bytes = 0;
    while (end < hint.length()) {
      int cp = hint.codePointAt(end);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > PREFIX_BYTES) {
        break;
      }
      bytes += len;
      end += Character.charCount(cp);
    }
    return hint.substring(0, end);
  }
}
