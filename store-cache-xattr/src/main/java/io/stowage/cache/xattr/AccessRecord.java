package io.stowage.cache.xattr;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What Stowage keeps in an entry's {@code user.stowage.access} attribute, as text
 * {@code "<hits> <last access, µs since the epoch> <size>"}: one attribute, so one read gives
 * all three and one write changes them together (a process killed mid-update leaves the old
 * record or the new one, never a mix).
 *
 * @param size the entry's size when it was committed; a file of another size was damaged
 */
record AccessRecord(long hits, Instant lastAccessed, long size) {

  /** The record of an entry committed now. */
  static AccessRecord committed(long size, Instant now) {
    return new AccessRecord(0, now, size);
  }

  /** This record with one more hit, accessed at {@code now}. */
  AccessRecord hit(Instant now) {
    return new AccessRecord(hits + 1, now.isAfter(lastAccessed) ? now : lastAccessed, size);
  }

  String text() {
    // Plain arithmetic and a builder: this runs on every cache hit, often before the JIT has
    // compiled anything, where Duration arithmetic and string-concatenation bootstraps cost.
    long micros = lastAccessed.getEpochSecond() * 1_000_000L + lastAccessed.getNano() / 1000;
    return new StringBuilder(48).append(hits).append(' ').append(micros).append(' ')
        .append(size).toString();
  }

  /** The record in {@code text}; empty if it is not one (a foreign or damaged value). */
  static Optional<AccessRecord> parse(String text) {
    String[] parts = text.trim().split(" ");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      long hits = Long.parseLong(parts[0]);
      long micros = Long.parseLong(parts[1]);
      long size = Long.parseLong(parts[2]);
      if (hits < 0 || size < 0) {
        return Optional.empty();
      }
      return Optional.of(new AccessRecord(hits, Instant.EPOCH.plus(micros, ChronoUnit.MICROS), size));
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
