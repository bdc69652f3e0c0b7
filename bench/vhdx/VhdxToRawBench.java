import io.stowage.api.disk.DiskFormat;
import io.stowage.app.disk.RawConverter;
import io.stowage.vhdx.VhdxFormat;
import java.io.IOException;
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
 * copies it: large reads, all-zero chunks not written so the output stays sparse) against
 * `qemu-img convert -O raw`, alternating in one run. Two Stowage copiers are measured: "plain"
 * reads every byte and tests chunks for zeros; "sparse" also asks the channel
 * (io.stowage.api.disk.SparseChannel) where the holes are and does not read them. Prints medians and the
 * ratios qemu/stowage (above 1: Stowage is faster).
 *
 * <p>Usage: VhdxToRawBench IN.vhdx WORKDIR REPETITIONS
 */
public final class VhdxToRawBench {
  public static void main(String[] args) throws Exception {
    Path in = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int reps = Integer.parseInt(args[2]);
    Path out = work.resolve("out.raw");
    Path ref = work.resolve("qemu.raw");
    DiskFormat format = new VhdxFormat();
    // warm-up of each, and a check that all agree byte for byte
    convertQemu(in, ref);
    for (boolean sparse : new boolean[] {false, true}) {
      Files.deleteIfExists(out);
      convertOurs(format, in, out, sparse);
      if (Files.mismatch(out, ref) != -1) {
        throw new AssertionError("output differs from qemu-img's (sparse=" + sparse + ")");
      }
    }
    Files.delete(ref);
    String[] names = {"stowage plain", "stowage sparse", "qemu-img"};
    List<List<Double>> times = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    // CPU time of this process (user + system, every thread) per Stowage conversion
    List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < reps; i++) {
      StringBuilder line = new StringBuilder("rep " + (i + 1) + ":");
      for (int k = 0; k < 3; k++) {
        int which = (i + k) % 3; // rotate the order
        Files.deleteIfExists(out);
        long t = System.nanoTime();
        long c = os.getProcessCpuTime();
        if (which == 2) {
          convertQemu(in, out);
        } else {
          convertOurs(format, in, out, which == 1);
          cpu.get(which).add((os.getProcessCpuTime() - c) / 1e9);
        }
        times.get(which).add((System.nanoTime() - t) / 1e9);
      }
      for (int k = 0; k < 3; k++) {
        line.append(String.format(" %s %.3f s,", names[k], times.get(k).get(i)));
      }
      System.out.println(line);
    }
    Files.deleteIfExists(out);
    double plain = median(times.get(0));
    double sparse = median(times.get(1));
    double qemu = median(times.get(2));
    System.out.printf("median: stowage plain %.3f s, stowage sparse %.3f s, qemu-img %.3f s%n",
        plain, sparse, qemu);
    System.out.printf("ratio qemu/stowage: plain %.2fx, sparse %.2fx%n", qemu / plain,
        qemu / sparse);
    System.out.printf("stowage cpu (user+sys, median): plain %.3f s %s, sparse %.3f s %s%n",
        median(cpu.get(0)), cpu.get(0), median(cpu.get(1)), cpu.get(1));
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /**
   * What the host does for `stowage disk convert --to raw IN OUT`: the host's own copier,
   * given the guest channel as is (hole-aware) or behind a wrapper that hides its holes.
   */
  static void convertOurs(DiskFormat format, Path in, Path out, boolean useHoles)
      throws IOException {
    try (SeekableByteChannel src = format.openVirtualDisk(in)) {
      RawConverter.copy(useHoles ? src : new Plain(src), out);
    }
  }

  /** The guest channel with its SparseChannel side hidden: every byte is read. */
  record Plain(SeekableByteChannel c) implements SeekableByteChannel {
    public int read(ByteBuffer dst) throws IOException { return c.read(dst); }
    public int write(ByteBuffer src) throws IOException { return c.write(src); }
    public long position() throws IOException { return c.position(); }
    public SeekableByteChannel position(long p) throws IOException { c.position(p); return this; }
    public long size() throws IOException { return c.size(); }
    public SeekableByteChannel truncate(long size) throws IOException { return c.truncate(size); }
    public boolean isOpen() { return c.isOpen(); }
    public void close() throws IOException { c.close(); }
  }

  static void convertQemu(Path in, Path out) throws Exception {
    Process p = new ProcessBuilder("qemu-img", "convert", "-O", "raw", in.toString(),
        out.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("qemu-img convert failed");
    }
    // qemu-img convert writes with cache=unsafe (no sync): sync here so both pay the same
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
      ch.force(false);
    }
  }
}
