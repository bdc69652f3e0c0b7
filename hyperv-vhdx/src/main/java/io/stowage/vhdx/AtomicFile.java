package io.stowage.vhdx;


import io.stowage.api.DuplicateException;
import io.stowage.api.IoFailures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a new file under a temporary name beside its target, syncs it, then links it to the
 * target name, which must not exist: a failure at any byte leaves nothing under the final name.
 */
final class AtomicFile {
  private AtomicFile() {}

  interface Body {
    void write(FileChannel ch) throws IOException;
  }

  static void write(Path target, Body body) {
    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new DuplicateException(target + " already exists");
    }
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.write(ch);
        ch.force(true);
      }
      Files.createLink(target, tmp);
    } catch (FileAlreadyExistsException e) {
      throw new DuplicateException(target + " already exists");
    } catch (IOException e) {
      throw failure("cannot write " + target, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // the temporary name is unique; a leftover harms nothing a retry does
      }
    }
  }

  /** The shared classification of I/O failures (store-api's {@link IoFailures}). */
  static RuntimeException failure(String what, IOException e) {
    return IoFailures.onWrite(what, e);
  }

  static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long p = position;
    while (b.hasRemaining()) {
      p += ch.write(b, p);
    }
  }
}
