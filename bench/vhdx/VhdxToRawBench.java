import io.stowage.api.DiskFormat;
import io.stowage.vhdx.VhdxFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * VHDX → raw: Stowage's path (openVirtualDisk, copied the way the host's `disk convert --to raw`
 * copies it: large reads, all-zero chunks skipped so the output stays sparse) against
 * `qemu-img convert -O raw`, alternating, same run. Prints medians and the ratio.
 *
 * <p>Usage: VhdxToRawBench IN.vhdx WORKDIR REPETITIONS
 */
public final class VhdxToRawBench {
  private static final int CHUNK = Integer.getInteger("chunk", 8 << 20);
  /** Compared a slice at a time: a small zero buffer stays in cache. */
  private static final int ZERO_PROBE = 64 << 10;

  public static void main(String[] args) throws Exception {
    Path in = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int reps = Integer.parseInt(args[2]);
    Path ours = work.resolve("ours.raw");
    Path theirs = work.resolve("qemu.raw");
    DiskFormat format = new VhdxFormat();
    // warm-up of both, and a check that they agree byte for byte
    convertOurs(format, in, ours);
    convertQemu(in, theirs);
    if (Files.mismatch(ours, theirs) != -1) {
      throw new AssertionError("outputs differ");
    }
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      boolean oursFirst = i % 2 == 0;
      for (int k = 0; k < 2; k++) {
        Files.deleteIfExists(ours);
        Files.deleteIfExists(theirs);
        if (oursFirst == (k == 0)) {
          a.add(time(() -> convertOurs(format, in, ours)));
        } else {
          b.add(time(() -> convertQemu(in, theirs)));
        }
      }
      System.out.printf("rep %d: stowage %.3f s, qemu-img %.3f s%n", i + 1,
          a.get(a.size() - 1), b.get(b.size() - 1));
    }
    Files.deleteIfExists(ours);
    Files.deleteIfExists(theirs);
    double ma = median(a);
    double mb = median(b);
    System.out.printf("median: stowage %.3f s, qemu-img %.3f s, ratio (qemu/stowage) %.2fx%n",
        ma, mb, mb / ma);
  }

  interface Run {
    void run() throws Exception;
  }

  static double time(Run r) throws Exception {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e9;
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** What the host does for `stowage disk convert --to raw IN OUT`. */
  static void convertOurs(DiskFormat format, Path in, Path out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
    ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_PROBE);
    long size;
    try (SeekableByteChannel src = format.openVirtualDisk(in);
        FileChannel dst = FileChannel.open(out, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      size = src.size();
      long pos = 0;
      while (pos < size) {
        buf.clear();
        while (buf.hasRemaining() && src.read(buf) > 0) {}
        buf.flip();
        int n = buf.remaining();
        if (!allZero(buf, zeros)) {
          while (buf.hasRemaining()) {
            dst.write(buf, pos + buf.position());
          }
        }
        pos += n;
      }
      dst.force(false);
    }
    try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
      f.setLength(size); // a trailing all-zero region was skipped, not written
    }
  }

  static boolean allZero(ByteBuffer b, ByteBuffer zeros) {
    for (int at = b.position(); at < b.limit(); at += ZERO_PROBE) {
      int n = Math.min(ZERO_PROBE, b.limit() - at);
      if (b.slice(at, n).mismatch(zeros.slice(0, n)) != -1) {
        return false;
      }
    }
    return true;
  }

  static void convertQemu(Path in, Path out) throws Exception {
    Process p = new ProcessBuilder("qemu-img", "convert", "-O", "raw", in.toString(),
        out.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("qemu-img convert failed");
    }
    // qemu-img syncs its output on close only with -t; flush here so both pay the same
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
      ch.force(false);
    }
  }
}
