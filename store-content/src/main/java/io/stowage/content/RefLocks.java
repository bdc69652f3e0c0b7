package io.stowage.content;

import io.stowage.api.LockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One holder per ingest folder, across threads (a map in this JVM) and processes (an
 * {@code fcntl} lock on the folder's {@code lock} file, which the kernel drops when the holder
 * dies). The lock file also says since when it is held, so a refused writer learns for how long.
 * Whoever removes an ingest folder holds its lock while doing so; a locker that finds its lock
 * file gone or replaced afterwards starts again.
 */
final class RefLocks {
  /**
   * The folders locked in this JVM, by every store instance (two instances over one root in one
   * JVM must see each other: {@code fcntl} locks do not separate threads of one process). A
   * negative-time entry is a reaper's brief look, which a writer waits out.
   */
  private static final ConcurrentHashMap<Path, Instant> HELD = new ConcurrentHashMap<>();
  private static final Instant PEEK = Instant.MIN;

  private final ConcurrentHashMap<Path, Instant> held = HELD;

  /** A held ingest lock. Closing releases it; idempotent. */
  static final class Held implements AutoCloseable {
    private final RefLocks owner;
    private final Path dir;
    private final FileChannel channel;
    private boolean released;

    private Held(RefLocks owner, Path dir, FileChannel channel) {
      this.owner = owner;
      this.dir = dir;
      this.channel = channel;
    }

    Path dir() {
      return dir;
    }

    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      try {
        channel.close(); // releases the fcntl lock
      } catch (IOException e) {
        // The lock goes with the descriptor either way.
      } finally {
        owner.held.remove(dir);
      }
    }
  }

  /**
   * Locks {@code dir} (creating it), for the ingest {@code ref}.
   *
   * @throws LockedException another thread or process holds it
   * @throws IOException the folder or its lock file cannot be created
   */
  Held acquire(Path dir, String ref) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Instant now = Instant.now();
    Instant since;
    long deadline = System.nanoTime() + 2_000_000_000L;
    while ((since = held.putIfAbsent(dir, now)) == PEEK && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // a reaper is looking
    }
    if (since != null) {
      throw locked(ref, since == PEEK ? Optional.empty()
          : Optional.of(Duration.between(since, now)));
    }
    try {
      while (true) {
        Files.createDirectories(dir);
        Optional<Held> lock = tryLock(dir, ref, true);
        if (lock.isPresent()) {
          return lock.get();
        }
      }
    } catch (IOException | RuntimeException e) {
      held.remove(dir);
      throw e;
    }
  }

  /**
   * Locks an existing ingest folder if nobody holds it; empty when it is held or gone. For
   * reaping: never waits, never creates.
   */
  Optional<Held> tryAcquireExisting(Path dir) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    if (held.putIfAbsent(dir, PEEK) != null) {
      return Optional.empty();
    }
    try {
      if (!Files.isDirectory(dir)) {
        held.remove(dir);
        return Optional.empty();
      }
      Optional<Held> lock = tryLock(dir, "", false);
      if (lock.isEmpty()) {
        held.remove(dir);
      }
      return lock;
    } catch (IOException | RuntimeException e) {
      held.remove(dir);
      throw e;
    }
  }

  /** Empty when the lock file vanished or changed while locking (retry), or, unless {@code
   * refuse}, when another process holds it. */
  private Optional<Held> tryLock(Path dir, String ref, boolean refuse) throws IOException {
    Path file = dir.resolve("lock");
    Object before;
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      before = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      if (!refuse) {
        return Optional.empty();
      }
      throw e;
    }
    boolean keep = false;
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // another JVM-local holder outside this registry; treat as held
      }
      if (lock == null) {
        if (refuse) {
          throw locked(ref, heldFor(channel));
        }
        return Optional.empty();
      }
      Object after;
      try {
        after = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      } catch (NoSuchFileException e) {
        after = null; // removed by the holder we waited for
      }
      if (after == null || !Objects.equals(before, after)) {
        return Optional.empty();
      }
      byte[] stamp = ("pid " + ProcessHandle.current().pid() + " since "
          + System.currentTimeMillis() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(stamp), 0);
      keep = true;
      return Optional.of(new Held(this, dir, channel));
    } finally {
      if (!keep) {
        channel.close();
      }
    }
  }

  /** How long the other process has held the lock, from what it wrote in the file. */
  private static Optional<Duration> heldFor(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(128);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      int at = text.indexOf(" since ");
      if (at < 0) {
        return Optional.empty();
      }
      long since = Long.parseLong(text.substring(at + 7).trim());
      return Optional.of(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - since)));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static LockedException locked(String ref, Optional<Duration> heldFor) {
    String shown = ref.length() > 100 ? ref.substring(0, 100) + "..." : ref;
    if (heldFor.isEmpty()) {
      return new LockedException("ref \"" + shown + "\" is locked by another writer");
    }
    Duration d = heldFor.get();
    return new LockedException(
        "ref \"" + shown + "\" is locked by another writer (held for "
            + String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0) + " s)", d);
  }
}
