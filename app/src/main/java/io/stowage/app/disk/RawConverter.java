package io.stowage.app.disk;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.SparseChannel;
import io.stowage.api.StoreIOException;
import io.stowage.api.DisplayText;
import io.stowage.api.IoFailures;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes the guest-visible bytes of an image as a raw file. Ranges the source reports as holes
 * ({@link SparseChannel}) are not read at all, and all-zero chunks of what is read are not
 * written: the output reads back identical and takes only the space of its data. The output is
 * an {@link AtomicFile}: it appears under its name only when complete and synced.
 */
public final class RawConverter {
  private static final int CHUNK = 8 << 20;
  private static final int ZERO_PROBE = 64 << 10;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_PROBE);

  private RawConverter() {}

  /**
   * Converts {@code in} (of {@code format}, or raw when empty) into {@code out}, which the
   * caller commits. A failed read is reported as the input's, a failed write as the output's.
   *
   * @return the number of bytes of the raw image
   */
  public static long convert(Optional<DiskFormat> format, Path in, AtomicFile out) {
    try (SeekableByteChannel source = open(format, in)) {
      return copy(source, out);
    } catch (IOException e) {
      throw InputFile.readFailure(in, e);
    }
  }

  /** Copies all of {@code source} into {@code out}'s temporary file, which the caller commits. */
  public static long copy(SeekableByteChannel source, AtomicFile out) throws IOException {
    long size = source.size();
    copyData(source, out.channel(), size, out.target());
    try {
      out.setLength(size); // a trailing hole was skipped, not written
    } catch (IOException e) {
      throw IoFailures.onWrite("cannot write " + DisplayText.of(out.target()), e);
    }
    return size;
  }

  /** Copies all of {@code source} into a new raw file {@code out}, replacing any file there. */
  public static long copy(SeekableByteChannel source, Path out) throws IOException {
    try (AtomicFile file = AtomicFile.create(out)) {
      long size = copy(source, file);
      file.commit(AtomicFile.Commit.REPLACE, true);
      return size;
    }
  }

  private static void copyData(SeekableByteChannel source, FileChannel sink, long size, Path target)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
    SparseChannel sparse = source instanceof SparseChannel s ? s : null;
    long position = 0;
    while (position < size) {
      long end = size;
      if (sparse != null) {
        position = sparse.nextData(position);
        if (position >= size) {
          break;
        }
        end = Math.min(size, sparse.nextHole(position));
      }
      source.position(position);
      while (position < end) {
        buffer.clear().limit((int) Math.min(CHUNK, end - position));
        while (buffer.hasRemaining()) {
          if (source.read(buffer) < 0) {
            throw new StoreIOException("the image ended at byte " + (position + buffer.position())
                + " of " + size);
          }
        }
        buffer.flip();
        int n = buffer.remaining();
        if (!allZero(buffer)) {
          try {
            while (buffer.hasRemaining()) {
              sink.write(buffer, position + buffer.position());
            }
          } catch (IOException e) {
            throw IoFailures.onWrite("cannot write " + DisplayText.of(target), e);
          }
        }
        position += n;
      }
    }
  }

  private static boolean allZero(ByteBuffer b) {
    for (int at = b.position(); at < b.limit(); at += ZERO_PROBE) {
      int n = Math.min(ZERO_PROBE, b.limit() - at);
      if (b.slice(at, n).mismatch(ZEROS.slice(0, n)) != -1) {
        return false;
      }
    }
    return true;
  }

  private static SeekableByteChannel open(Optional<DiskFormat> format, Path in)
      throws IOException {
    if (format.isEmpty()) {
      return Files.newByteChannel(in);
    }
    return format.get().openVirtualDisk(in);
  }
}
