package io.stowage.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Byte surgery on test files. */
final class Files2 {
  private Files2() {}

  static ByteBuffer read(Path f, long at, int len) throws IOException {
    try (FileChannel ch = FileChannel.open(f)) {
      ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining() && ch.read(b, at + b.position()) >= 0) {}
      return b.flip();
    }
  }

  static void write(Path f, long at, ByteBuffer b) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ByteBuffer d = b.duplicate();
      long start = d.position();
      while (d.hasRemaining()) {
        ch.write(d, at + d.position() - start);
      }
    }
  }

  /** Changes a structure of {@code len} bytes at {@code at} and, if asked, fixes its CRC. */
  static void edit(Path f, long at, int len, boolean reseal, java.util.function.Consumer<ByteBuffer> change)
      throws IOException {
    ByteBuffer b = read(f, at, len);
    change.accept(b);
    if (reseal) {
      Checked.seal(b, len, 4);
    }
    write(f, at, b);
  }
}
