import io.stowage.api.DataSize;
import io.stowage.api.InstanceContext;
import io.stowage.api.content.CommitResult;
import io.stowage.api.content.ContentStore;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.api.store.Store;
import io.stowage.content.ContentConfig;
import io.stowage.content.ContentStoreProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One measured content-store operation on 1 GiB held in memory (1 MiB heap chunks, loaded from
 * INPUT before timing). Prints "<wall s> <cpu s> <digest>" of the timed part.
 *
 * <pre>
 *   full ROOT INPUT DIGEST INTERVAL        writer + all bytes + commit(size, digest)
 *   same ROOT INPUT DIGEST INTERVAL        write 90 %, close the writer (untimed); then timed:
 *                                          reopen, write the last 10 %, commit
 *   prepare ROOT INPUT DIGEST INTERVAL     write 90 %, close writer and store (prints the close)
 *   prepare-kill ROOT INPUT DIGEST INTERVAL  write 90 %, then halt at once (as kill -9 would)
 *   resume ROOT INPUT DIGEST INTERVAL      (a new JVM) timed: open the store, reopen the
 *                                          writer, write the last 10 %, commit
 * </pre>
 * Every mode first warms the JIT with a 64 MiB ingest into a scratch root (untimed); run.sh gives
 * the JVM bin/stowage's JIT flags, so the JDK's SHA-256 is compiled (to the CPU's SHA
 * instructions) within the warm-up.
 */
public final class ContentIngestBench {
  private static final int MIB = 1 << 20;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path root = Path.of(args[1]);
    List<byte[]> input = load(Path.of(args[2]));
    Digest expected = Digest.parse(args[3]);
    long interval = Long.parseLong(args[4]);
    warmUp(root.resolveSibling(root.getFileName() + "-warmup"), input, interval);
    long size = (long) input.size() * MIB;
    int cut = input.size() * 9 / 10;
    switch (mode) {
      case "full" -> {
        try (Store store = open(root, interval)) {
          ContentStore content = store.content().orElseThrow();
          long[] t = start();
          CommitResult r;
          try (ContentWriter w = content.writer("bench", OptionalLong.of(size))) {
            write(w, input, 0, input.size());
            r = w.commit(OptionalLong.of(size), Optional.of(expected), Map.of());
          }
          stop(t, r.digest());
        }
      }
      case "same" -> {
        try (Store store = open(root, interval)) {
          ContentStore content = store.content().orElseThrow();
          try (ContentWriter w = content.writer("bench", OptionalLong.of(size))) {
            write(w, input, 0, cut);
          }
          long[] t = start();
          CommitResult r;
          try (ContentWriter w = content.writer("bench", OptionalLong.of(size))) {
            write(w, input, cut, input.size());
            r = w.commit(OptionalLong.of(size), Optional.of(expected), Map.of());
          }
          stop(t, r.digest());
        }
      }
      case "prepare", "prepare-kill" -> {
        Store store = open(root, interval);
        ContentWriter w = store.content().orElseThrow().writer("bench", OptionalLong.of(size));
        write(w, input, 0, cut);
        if (mode.equals("prepare-kill")) {
          Runtime.getRuntime().halt(0);
        }
        long[] t = start();
        w.close();
        store.close();
        stop(t, expected);
      }
      case "resume" -> {
        long[] t = start();
        CommitResult r;
        try (Store store = open(root, interval)) {
          try (ContentWriter w =
              store.content().orElseThrow().writer("bench", OptionalLong.of(size))) {
            long offset = w.status().offset();
            write(w, input, (int) (offset / MIB), input.size());
            r = w.commit(OptionalLong.of(size), Optional.of(expected), Map.of());
          }
        }
        stop(t, r.digest());
      }
      default -> throw new IllegalArgumentException(mode);
    }
  }

  private static Store open(Path root, long interval) {
    ContentConfig config = ContentConfig.ofRoot(root.toString())
        .withCheckpointInterval(DataSize.ofBytes(interval));
    return new ContentStoreProvider().create(config, new InstanceContext("bench", root));
  }

  private static void write(ContentWriter w, List<byte[]> input, int from, int to) {
    for (int i = from; i < to; i++) {
      w.write(input.get(i), 0, MIB);
    }
  }

  private static void warmUp(Path scratch, List<byte[]> input, long interval) throws IOException {
    try (Store store = open(scratch, interval)) {
      ContentStore content = store.content().orElseThrow();
      try (ContentWriter w = content.writer("warmup", OptionalLong.empty())) {
        write(w, input, 0, 64);
        Digest d = w.commit(OptionalLong.empty(), Optional.empty(), Map.of()).digest();
        content.delete(d);
      }
    }
  }

  private static List<byte[]> load(Path file) throws IOException {
    List<byte[]> chunks = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      while (true) {
        byte[] chunk = new byte[MIB];
        int n = in.readNBytes(chunk, 0, MIB);
        if (n == 0) {
          return chunks;
        }
        if (n != MIB) {
          throw new IOException("input size is not a whole number of MiB");
        }
        chunks.add(chunk);
      }
    }
  }

  private static long[] start() {
    return new long[] {System.nanoTime(), cpu()};
  }

  private static void stop(long[] t, Digest digest) {
    double wall = (System.nanoTime() - t[0]) / 1e9;
    double cpu = (cpu() - t[1]) / 1e9;
    System.out.printf("%.3f %.3f %s%n", wall, cpu, digest);
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
