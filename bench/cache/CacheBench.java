import io.stowage.api.ImageData;
import io.stowage.api.InstanceContext;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.CachedImage;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.cache.xattr.XattrCacheConfig;
import io.stowage.cache.xattr.XattrCacheDriverProvider;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Stowage's xattr cache driver through the SPI, the same steps as glance_cache.py:
 *
 * <pre>
 *   java CacheBench setup DIR ENTRIES SMALL_BYTES BIG_BYTES
 *   java CacheBench measure DIR ENTRIES SMALL_BYTES READS [noprune]
 * </pre>
 *
 * measure runs in a fresh JVM (so its first list reads the folder: "list" is the cold case),
 * and prunes the way Glance's pruner does: least recently accessed first until under the
 * maximum, one driver call per step.
 */
public final class CacheBench {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    int entries = Integer.parseInt(args[2]);
    int small = Integer.parseInt(args[3]);
    try (CacheDriver driver = new XattrCacheDriverProvider()
        .create(new XattrCacheConfig(dir.toString()), new InstanceContext("cache", dir))) {
      if (args[0].equals("setup")) {
        setup(driver, entries, small, Integer.parseInt(args[4]));
      } else {
        measure(driver, dir, entries, small, Integer.parseInt(args[4]),
            args.length <= 5 || !args[5].equals("noprune"));
      }
    }
  }

  private static void setup(CacheDriver driver, int entries, int small, int big) throws Exception {
    byte[] block = new byte[small];
    new Random(1).nextBytes(block);
    for (int i = 0; i < entries; i++) {
      write(driver, String.format("e%05d", i), block);
    }
    byte[] data = new byte[big];
    new Random(2).nextBytes(data);
    write(driver, "big", data);
  }

  private static void write(CacheDriver driver, String id, byte[] data) throws Exception {
    try (CacheWriter writer = driver.openForWrite(id, ExpectedImage.unknown())) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        writer.write(buffer);
      }
      writer.commit();
    }
  }

  private static void measure(CacheDriver driver, Path dir, int entries, int small, int reads,
      boolean prune) throws Exception {
    long big = Files.size(dir.resolve("big"));
    long maxSize = (long) (entries / 2) * small + big;
    long[] t = clock();
    List<CachedImage> listed = driver.cachedImages();
    print("list", t);
    t = clock();
    driver.cachedImages();
    print("list2", t);
    t = clock();
    long total = 0;
    ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
    for (int i = 0; i < reads; i++) {
      try (ImageData data = driver.openForRead("big").orElseThrow()) {
        int n;
        while ((n = data.channel().read(buffer)) >= 0) {
          total += n;
          buffer.clear();
        }
      }
    }
    print("read", t);
    // The same reads delivered to a file descriptor the way a server sends a cache hit:
    // ImageData.transferTo, which is sendfile(2) for an entry. The kernel moves no bytes into
    // /dev/null, so this is what a read costs besides the copy a socket would take.
    try (java.nio.channels.FileChannel sink = java.nio.channels.FileChannel.open(
        Path.of("/dev/null"), java.nio.file.StandardOpenOption.WRITE)) {
      t = clock();
      for (int i = 0; i < reads; i++) {
        try (ImageData data = driver.openForRead("big").orElseThrow()) {
          data.transferTo(sink);
        }
      }
      print("send", t);
    }
    // read again: the JVM has compiled the read path by now, as in a long-running server.
    t = clock();
    for (int i = 0; i < reads; i++) {
      try (ImageData data = driver.openForRead("big").orElseThrow()) {
        while (data.channel().read(buffer) >= 0) {
          buffer.clear();
        }
      }
    }
    print("read2", t);
    // Glance's pruner, step by step: least recently accessed first until under the maximum.
    // "prune100" removes the 100 least recently accessed entries, "prune" then prunes to half.
    t = clock();
    int pruned = pruneTo(driver, driver.totalSize() - 100L * small);
    print("prune100", t);
    if (prune) {
      t = clock();
      pruned += pruneTo(driver, maxSize);
      print("prune", t);
    }
    System.out.printf("check listed=%d bytes_read=%d pruned=%d left=%d hits=%d%n", listed.size(),
        total, pruned, driver.cachedImages().size(), driver.hits("big"));
  }

  private static int pruneTo(CacheDriver driver, long maxSize) {
    int pruned = 0;
    long size = driver.totalSize();
    Optional<CachedImage> entry = driver.leastRecentlyAccessed();
    while (entry.isPresent() && size > maxSize) {
      driver.delete(entry.get().imageId());
      size -= entry.get().size();
      pruned++;
      entry = driver.leastRecentlyAccessed();
    }
    return pruned;
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** Wall and process CPU nanoseconds (the JIT's and GC's threads included). */
  private static long[] clock() {
    return new long[] {System.nanoTime(), OS.getProcessCpuTime()};
  }

  private static void print(String name, long[] start) {
    System.out.printf("%s %.6f %.6f%n", name, (System.nanoTime() - start[0]) / 1e9,
        (OS.getProcessCpuTime() - start[1]) / 1e9);
  }
}
