package io.stowage.app.disk;

import io.stowage.api.DiskFormat;
import io.stowage.api.StoreIOException;
import io.stowage.app.plugin.Contribution;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * Writes the guest-visible bytes of an image as a raw file. All-zero stretches become holes
 * (the output reads back identical and takes only the space of its data). The output appears
 * under its name only when complete.
 */
public final class RawConverter {
  private static final int CHUNK = 2 * 1024 * 1024;
  private static final byte[] ZEROS = new byte[CHUNK];

  private RawConverter() {}

  /**
   * Converts {@code in} (of {@code format}, or raw when empty) to raw {@code out}.
   *
   * @return the number of bytes of the raw image
   */
  public static long convert(Optional<Contribution<DiskFormat>> format, Path in, Path out) {
    Path target = out.toAbsolutePath();
    Path temp = null;
    try (SeekableByteChannel source = open(format, in)) {
      temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
      long size = source.size();
      byte[] chunk = new byte[CHUNK];
      ByteBuffer buffer = ByteBuffer.wrap(chunk);
      try (FileChannel sink = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        long position = 0;
        while (position < size) {
          buffer.clear().limit((int) Math.min(CHUNK, size - position));
          while (buffer.hasRemaining()) {
            if (source.read(buffer) < 0) {
              throw new StoreIOException("the image ended at byte " + (position + buffer.position())
                  + " of " + size);
            }
          }
          int n = buffer.position();
          if (Arrays.mismatch(chunk, 0, n, ZEROS, 0, n) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
              sink.write(buffer, position + buffer.position());
            }
          }
          position += n;
        }
        sink.force(true);
      }
      try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw")) {
        file.setLength(size);
        file.getFD().sync();
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      return size;
    } catch (IOException e) {
      throw new StoreIOException("cannot convert " + in + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a hidden .part file is all that can remain
        }
      }
    }
  }

  private static SeekableByteChannel open(Optional<Contribution<DiskFormat>> format, Path in)
      throws IOException {
    if (format.isEmpty()) {
      return Files.newByteChannel(in);
    }
    Contribution<DiskFormat> f = format.get();
    return f.call(() -> f.extension().openVirtualDisk(in));
  }
}
