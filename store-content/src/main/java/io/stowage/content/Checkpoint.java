package io.stowage.content;

import io.stowage.api.content.DigestAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * A saved hash state of an ingest: the portable digest's state after its first {@code offset}
 * bytes, tied to the ingest's {@code startedat} stamp so that a state saved for an earlier life of
 * the same ref is never applied to a new one. Stored in {@code hashstate} as one line, replaced
 * atomically ({@link SmallFile}). It is written only after the data it covers was synced, so the data file is never
 * shorter than a checkpoint says (a shorter one makes the checkpoint ignored).
 */
record Checkpoint(
    String stamp, String kind, DigestAlgorithm algorithm, long offset, byte[] state) {
  static final String FILE = "hashstate";
  /** A state of the JDK's digest ({@link JdkDigestState}). */
  static final String JDK = "jdk";
  /** A state of the portable digest ({@link IngestHash.Portable}). */
  static final String PORTABLE = "bc";

  void save(Path dir) throws IOException {
    String line = "v2 " + stamp + " " + kind + " " + algorithm.id() + " " + offset + " "
        + Base64.getEncoder().encodeToString(state) + "\n";
    // Not synced: it is only ever used with data that was synced before it was written, and a
    // state lost to a power cut only makes a resume re-read more.
    SmallFile.replace(dir.resolve(FILE), line.getBytes(StandardCharsets.US_ASCII), false);
  }

  /** The checkpoint of the ingest in {@code dir} if it is one for {@code stamp} and readable. */
  static Optional<Checkpoint> load(Path dir, String stamp) {
    try {
      String[] parts = Files.readString(dir.resolve(FILE), StandardCharsets.US_ASCII).trim()
          .split(" ");
      if (parts.length != 6 || !parts[0].equals("v2") || !parts[1].equals(stamp)) {
        return Optional.empty();
      }
      return Optional.of(new Checkpoint(stamp, parts[2], DigestAlgorithm.of(parts[3]),
          Long.parseLong(parts[4]), Base64.getDecoder().decode(parts[5])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static void delete(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(FILE));
  }
}
