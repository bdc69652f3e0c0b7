package io.stowage.app.disk;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.SparseChannel;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Writes the guest-visible bytes of an image as a raw file. Ranges the source reports as holes
 * ({@link SparseChannel}) are not read at all, and all-zero chunks of what is read are not
 * written: the output reads back identical and takes only the space of its data. The output
 * appears under its name only when complete and synced.
 */
public final class RawConverter {
  private static final int CHUNK = 8 << 20;
  private static final int ZERO_PROBE = 64 << 10;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_PROBE);

  private RawConverter() {}

  /**
   * Converts {@code in} (of {@code format}, or raw when empty) to raw {@code out}.
   *
   * @return the number of bytes of the raw image
   */
  public static long convert(Optional<DiskFormat> format, Path in, Path out) {
    try (SeekableByteChannel source = open(format, in)) {
      return copy(source, out);
    } catch (IOException e) {
      throw new StoreIOException("cannot convert " + in + ": " + e.getMessage(), e);
    }
  }

  /** Copies all of {@code source} into a new raw file {@code out}, replacing any file there. */
  public static long copy(SeekableByteChannel source, Path out) throws IOException {
    Path target = out.toAbsolutePath();
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
    try {
      long size = source.size();
      try (FileChannel sink = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        copyData(source, sink, size);
        sink.force(false);
      }
      try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw")) {
        file.setLength(size); // a trailing hole was skipped, not written
        file.getFD().sync();
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      return size;
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static void copyData(SeekableByteChannel source, FileChannel sink, long size)
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
          while (buffer.hasRemaining()) {
            sink.write(buffer, position + buffer.position());
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
