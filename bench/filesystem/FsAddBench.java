import io.stowage.filesystem.FilesystemConfig;
import io.stowage.filesystem.FilesystemStoreProvider;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One timed add of INPUT into a filesystem store on DATADIR, md5 + sha512, after a short
 * warm-up add (not timed) so the JIT has compiled the copy loop. Prints
 * {@code seconds size md5 sha512 cpu-seconds}.
 *
 * <p>Usage: {@code java -cp ... FsAddBench.java INPUT DATADIR durable|nondurable}
 */
public final class FsAddBench {
  private static InputStream limited(InputStream in, long limit) {
    return new InputStream() {
      private long left = limit;

      @Override
      public int read() throws java.io.IOException {
        return left-- > 0 ? in.read() : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        left -= Math.max(n, 0);
        return n;
      }
    };
  }

  public static void main(String[] args) throws Exception {
    Path input = Path.of(args[0]);
    Path datadir = Path.of(args[1]);
    boolean durable = args[2].equals("durable");
    FilesystemConfig config = FilesystemConfig.ofDatadir(datadir.toString()).withDurable(durable);
    try (Store store =
        new FilesystemStoreProvider().create(config, new InstanceContext("bench", datadir))) {
      try (InputStream in = new FileInputStream(input.toFile())) {
        AddResult warm = store.add(AddRequest.of("warm-up", limited(in, 128L << 20)));
        store.delete(warm.location());
      }
      long size = Files.size(input);
      try (InputStream in = new FileInputStream(input.toFile())) {
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        AddResult r =
            store.add(
                AddRequest.of("image", in)
                    .withDeclaredSize(size)
                    .withHashAlgorithm(HashAlgorithm.SHA512));
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        System.out.printf(
            "%.3f %d %s %s %.3f%n", seconds, r.size(), r.md5(), r.multihash().value(), cpu);
      }
    }
  }
}
