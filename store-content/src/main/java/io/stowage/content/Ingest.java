package io.stowage.content;

import io.stowage.api.content.IngestStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files of one ingest folder ({@code ingest/<sha256 of ref>/}): {@code ref} (the ref, to tell
 * a folder's owner), {@code startedat} (when this life of the ingest began; also the stamp
 * checkpoints are tied to), {@code total} (the expected size, if given), {@code data} (the bytes;
 * its modification time is the update time), {@code hashstate} ({@link Checkpoint}) and
 * {@code lock} ({@link RefLocks}). Small files are replaced whole ({@link SmallFile}).
 */
record Ingest(Path dir, String ref, Instant startedAt, OptionalLong total) {

  Path data() {
    return dir.resolve("data");
  }

  String stamp() {
    return startedAt.toString();
  }

  /** The ingest in {@code dir} if its files are readable and its ref is {@code ref}. */
  static Optional<Ingest> load(Path dir, String ref) {
    return load(dir).filter(i -> i.ref.equals(ref));
  }

  /** The ingest in {@code dir} if its files are readable. */
  static Optional<Ingest> load(Path dir) {
    try {
      String ref = Files.readString(dir.resolve("ref"), StandardCharsets.UTF_8);
      Instant started = Instant.parse(Files.readString(dir.resolve("startedat")).trim());
      Path total = dir.resolve("total");
      OptionalLong expected = Files.exists(total)
          ? OptionalLong.of(Long.parseLong(Files.readString(total).trim()))
          : OptionalLong.empty();
      if (!Files.isRegularFile(dir.resolve("data"))) {
        return Optional.empty();
      }
      return Optional.of(new Ingest(dir, ref, started, expected));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Starts the ingest afresh in {@code dir} (which the caller has locked): removes whatever an
   * earlier life left except the lock, and writes an empty {@code data}.
   */
  static Ingest create(Path dir, String ref, OptionalLong total) throws IOException {
    clear(dir, false);
    Instant now = Instant.now();
    writeSmall(dir, "ref", ref);
    writeSmall(dir, "startedat", now.toString());
    if (total.isPresent()) {
      writeSmall(dir, "total", Long.toString(total.getAsLong()));
    }
    Files.newByteChannel(dir.resolve("data"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).close();
    return new Ingest(dir, ref, now, total);
  }

  /** Records a new expected total. */
  Ingest withTotal(long newTotal) throws IOException {
    writeSmall(dir, "total", Long.toString(newTotal));
    return new Ingest(dir, ref, startedAt, OptionalLong.of(newTotal));
  }

  /** The status, from the files. */
  IngestStatus status() throws IOException {
    long size = Files.size(data());
    Instant updated = Files.getLastModifiedTime(data()).toInstant();
    return new IngestStatus(ref, size, total, startedAt,
        updated.isBefore(startedAt) ? startedAt : updated);
  }

  /**
   * When bytes were last written, or the ingest (re)started; for expiry. Saved hash states and
   * the lock are not activity.
   */
  static Instant lastActivity(Path dir) throws IOException {
    Instant latest = Instant.EPOCH;
    for (String name : new String[] {"data", "startedat", "ref"}) {
      try {
        Instant t = Files.getLastModifiedTime(dir.resolve(name)).toInstant();
        latest = t.isAfter(latest) ? t : latest;
      } catch (NoSuchFileException e) {
        // A folder a crash left half made: judged by what it has.
      }
    }
    return latest.equals(Instant.EPOCH) ? Files.getLastModifiedTime(dir).toInstant() : latest;
  }

  /** Removes the files of the ingest, and the folder when {@code all} (lock included). */
  static void clear(Path dir, boolean all) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (all || !f.getFileName().toString().equals("lock")) {
          Files.deleteIfExists(f);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    }
    if (all) {
      Files.deleteIfExists(dir);
    }
  }

  private static void writeSmall(Path dir, String name, String text) throws IOException {
    SmallFile.replace(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8), false);
  }
}
