import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * The two exact hit counters the issue allowed, per hit, alternating rounds:
 *   lock-xattr   fcntl lock on a byte of a shared state file, write the entry's access record
 *                (one user xattr), unlock: what store-cache-xattr does when its index is current
 *   lock-rmw     the same with the record read first (when another process changed something)
 *   append       open the entry's hit log O_APPEND, write an 8-byte record, close (counts and
 *                last access folded from the log later)
 * Usage: java HitCountBench DIR [hits-per-round] [rounds]   (DIR on the cache's file system)
 */
public final class HitCountBench {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  interface Hit {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path entry = dir.resolve("entry");
    Files.write(entry, new byte[4096]);
    Path log = dir.resolve("entry.hits");
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(entry, UserDefinedFileAttributeView.class);
    view.write("stowage.access", StandardCharsets.UTF_8.encode("0 0 4096"));
    try (FileChannel state = FileChannel.open(dir.resolve("state"), StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long[] count = {0};
      Hit lockXattr = () -> {
        try (FileLock lock = state.lock(4096 + 7, 1, false)) {
          view.write("stowage.access", StandardCharsets.UTF_8.encode(
              ++count[0] + " " + System.currentTimeMillis() * 1000 + " 4096"));
        }
      };
      Hit lockRmw = () -> {
        try (FileLock lock = state.lock(4096 + 7, 1, false)) {
          ByteBuffer b = ByteBuffer.allocate(128);
          view.read("stowage.access", b);
          view.write("stowage.access", StandardCharsets.UTF_8.encode(
              ++count[0] + " " + System.currentTimeMillis() * 1000 + " 4096"));
        }
      };
      Hit append = () -> {
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
          ByteBuffer b = ByteBuffer.allocate(8).putLong(0, System.currentTimeMillis());
          ch.write(b);
        }
      };
      String[] names = {"lock-xattr", "lock-rmw", "append"};
      Hit[] hits = {lockXattr, lockRmw, append};
      for (Hit h : hits) { // warm up
        for (int i = 0; i < n; i++) {
          h.run();
        }
      }
      for (int r = 1; r <= rounds; r++) {
        for (int k = 0; k < hits.length; k++) {
          int v = (k + r) % hits.length;
          long t = System.nanoTime();
          long c = OS.getProcessCpuTime();
          for (int i = 0; i < n; i++) {
            hits[v].run();
          }
          System.out.printf("%d %s %.2f %.2f%n", r, names[v], (System.nanoTime() - t) / 1e3 / n,
              (OS.getProcessCpuTime() - c) / 1e3 / n);
        }
      }
      Files.delete(log);
    }
  }
}
