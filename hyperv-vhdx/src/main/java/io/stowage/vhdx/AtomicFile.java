package io.stowage.vhdx;


import io.stowage.api.DisplayText;
import io.stowage.api.DuplicateException;
import io.stowage.api.IoFailures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a new file through store-api's {@link io.stowage.api.io.AtomicFile} (the one atomic
 * writer: a locked temporary file beside the target, removed on interrupt), then links it to the
 * target name, which must not exist: a failure or a kill at any byte leaves nothing under the
 * final name, and the next write of the same name removes what a killed one left.
 */
final class AtomicFile {
  private AtomicFile() {}

  interface Body {
    void write(FileChannel ch) throws IOException;
  }

  static void write(Path target, Body body) {
    String shown = DisplayText.of(target.toString());
    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new DuplicateException(shown + " already exists");
    }
    Path absolute = target.toAbsolutePath();
    try {
      io.stowage.api.io.AtomicFile.removeAbandoned(absolute.getParent(),
          absolute.getFileName().toString());
      try (io.stowage.api.io.AtomicFile file = io.stowage.api.io.AtomicFile.create(absolute)) {
        body.write(file.channel());
        file.commit(io.stowage.api.io.AtomicFile.Commit.NEW, true);
      }
    } catch (FileAlreadyExistsException e) {
      throw new DuplicateException(shown + " already exists");
    } catch (IOException e) {
      throw failure("cannot write " + shown, e);
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
