package io.stowage.cache.xattr;

import io.stowage.api.cache.CachedImage;
import io.stowage.api.io.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The entry index saved in the hidden folder {@code .stowage-index} (file {@code index}; in a
 * folder of its own because writing it in the cache folder would change the folder's
 * modification time, which is part of the label), so that a fresh process answers its first
 * query with one file read instead of a {@code stat} and an attribute read of every entry. It is
 * labelled with the state it describes: the folder's identity and generation (from the shared
 * state file) and the folder's modification time. A process uses it only if all three are still
 * what they were; otherwise it reads the folder (and saves a new snapshot).
 *
 * <p>Binary, big-endian, so that reading it costs little even before the JIT has compiled
 * anything: the magic {@code STWIDX01}, the label (identity, generation, modification time in
 * ns), the entry count, then per entry the id (2-byte length, UTF-8), size, modification time
 * (ns), last access (µs), hits and the committed size of Stowage's access record (-1 for an
 * entry Glance's driver wrote, which has none), in id order; last a CRC-32C of everything
 * before it. Written through {@link AtomicFile}: whole or not at all; a damaged one is ignored.
 */
final class IndexSnapshot {
  /** The hidden folder that holds the snapshot, made when the cache folder is opened. */
  static final String FOLDER = ".stowage-index";
  private static final String NAME = "index";
  private static final long MAGIC = 0x5354574944583031L; // "STWIDX01"

  /** What a snapshot describes; see the class comment. */
  record Label(long identity, long generation, long modifiedNanos) {}

  /** One entry as saved. */
  record Entry(CachedImage image, Optional<AccessRecord> record) {}

  private IndexSnapshot() {}

  /**
   * The entries saved in {@code folder}'s snapshot, in id order, if it is labelled {@code label};
   * empty if there is none, it describes another state, or it is damaged.
   */
  static Optional<List<Entry>> load(Path folder, Label label) {
    ByteBuffer buffer;
    try (FileChannel channel = FileChannel.open(folder.resolve(FOLDER).resolve(NAME),
        StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 40 || size > Integer.MAX_VALUE - 16) {
        return Optional.empty();
      }
      buffer = ByteBuffer.allocate((int) size);
      // The header first: a snapshot of another state is not read further.
      buffer.limit(36);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // reads the header
      }
      if (buffer.position() < 36 || !matches(buffer, label)) {
        return Optional.empty();
      }
      buffer.limit(buffer.capacity());
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // reads the rest
      }
      if (buffer.hasRemaining()) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty(); // none (NoSuchFileException) or unreadable: read the folder
    }
    return parse(buffer.array());
  }

  private static boolean matches(ByteBuffer header, Label label) {
    return header.getLong(0) == MAGIC && header.getLong(8) == label.identity()
        && header.getLong(16) == label.generation() && header.getLong(24) == label.modifiedNanos();
  }

  private static Optional<List<Entry>> parse(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
      return Optional.empty();
    }
    in.position(32);
    int count = in.getInt();
    if (count < 0 || count > bytes.length / 42) {
      return Optional.empty();
    }
    List<Entry> entries = new ArrayList<>(count);
    String previous = null;
    try {
      for (int i = 0; i < count; i++) {
        int length = in.getShort() & 0xffff;
        String id = new String(bytes, in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        long size = in.getLong();
        long modified = in.getLong();
        long accessed = in.getLong();
        long hits = in.getLong();
        long recordSize = in.getLong();
        if (previous != null && previous.compareTo(id) >= 0) {
          return Optional.empty(); // not in id order, or an id twice: not ours
        }
        previous = id;
        Instant lastAccessed = Instant.EPOCH.plus(accessed, ChronoUnit.MICROS);
        CachedImage image = new CachedImage(id, size, Instant.ofEpochSecond(
            Math.floorDiv(modified, NANOS), Math.floorMod(modified, NANOS)), lastAccessed, hits);
        entries.add(new Entry(image, recordSize < 0 ? Optional.empty()
            : Optional.of(new AccessRecord(hits, lastAccessed, recordSize))));
      }
    } catch (RuntimeException e) {
      return Optional.empty(); // cut short or a value out of range
    }
    return in.position() == bytes.length - 4 ? Optional.of(entries) : Optional.empty();
  }

  private static final long NANOS = 1_000_000_000L;

  /**
   * Saves {@code entries} (in id order) as the state {@code label} names, replacing any
   * snapshot; {@code records} gives each entry's access record, null for none.
   *
   * @throws IOException it could not be written (the folder is read-only, say)
   */
  static void save(Path folder, Label label, Collection<CachedImage> entries,
      Function<String, AccessRecord> records) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + entries.size() * 96);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeLong(label.identity());
    out.writeLong(label.generation());
    out.writeLong(label.modifiedNanos());
    out.writeInt(entries.size());
    for (CachedImage image : entries) {
      byte[] id = image.imageId().getBytes(StandardCharsets.UTF_8);
      out.writeShort(id.length);
      out.write(id);
      Instant m = image.lastModified();
      out.writeLong(image.size());
      out.writeLong(m.getEpochSecond() * NANOS + m.getNano());
      out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, image.lastAccessed()));
      out.writeLong(image.hits());
      AccessRecord record = records.apply(image.imageId());
      out.writeLong(record == null ? -1 : record.size());
    }
    out.flush();
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    out.flush();
    try (AtomicFile file = AtomicFile.create(folder.resolve(FOLDER).resolve(NAME))) {
      ByteBuffer data = ByteBuffer.wrap(bytes.toByteArray());
      while (data.hasRemaining()) {
        file.channel().write(data);
      }
      file.commit(AtomicFile.Commit.REPLACE, false);
    }
  }
}
