package io.stowage.diskformats;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.StowageException;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of valid images of every format (bytes flipped, fields set to extreme values,
 * files cut short). Inspecting the file and streaming it must each end normally or in
 * InvalidImageData — no other exception, no hang — and agree: both accept with the same result,
 * or both refuse. The seed is printed; a failure names the mutation's own seed.
 */
class FuzzTest {
  private static final int MUTATIONS = 4000;
  private static final long SEED = Long.getLong("fuzz.seed", 0xd15c_f0a7L);
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(90);
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fuzz");
    t.setDaemon(true);
    return t;
  });

  /** A file under test: its format and the ranges where mutations land. */
  record Subject(Path path, DiskFormat format, byte[] original, long[][] hot) {}

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void mutatedImagesFailOnlyWithInvalidImageData() throws Exception {
    List<Subject> subjects = subjects();
    System.out.printf("fuzz: seed 0x%x (-Dfuzz.seed= to repeat), %d subjects%n", SEED,
        subjects.size());
    Random r = new Random(SEED);
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int done = 0;
    int refused = 0;
    for (; done < MUTATIONS && System.nanoTime() < deadline; done++) {
      Subject s = subjects.get(done % subjects.size());
      long seed = r.nextLong();
      List<long[]> touched = mutate(s, new Random(seed));
      Future<Boolean> run = pool.submit(() -> exercise(s, seed));
      try {
        if (!run.get(10, TimeUnit.SECONDS)) {
          refused++;
        }
      } catch (TimeoutException e) {
        throw new AssertionError("hang on " + s.path().getFileName() + " mutation seed " + seed);
      } catch (ExecutionException e) {
        throw new AssertionError("mutation seed " + seed + " of " + s.path().getFileName()
            + " escaped with " + e.getCause(), e.getCause());
      }
      restore(s, touched);
    }
    System.out.printf("fuzz: %d mutations, %d refused%n", done, refused);
    assertThat(done).isGreaterThan(1000);
    assertThat(refused).isGreaterThan(done / 10); // the mutations do reach the checks
    assertThat(refused).isLessThan(done); // and some leave valid images
  }

  /** Runs both readers on the mutated file; false if they refused it. */
  private static boolean exercise(Subject s, long seed) throws IOException {
    DiskInfo file = null;
    String fileRefusal = null;
    try (FileChannel ch = FileChannel.open(s.path())) {
      file = s.format().inspect(ch);
    } catch (StowageException e) {
      fileRefusal = allowed(e, s, seed);
    }
    DiskInfo stream = null;
    String streamRefusal = null;
    try {
      stream = Images.stream(s.format(), s.path(), seed);
    } catch (StowageException e) {
      streamRefusal = allowed(e, s, seed);
    }
    if (file != null && !file.equals(stream) || file == null && stream != null) {
      throw new AssertionError("mutation seed " + seed + " of " + s.path().getFileName()
          + ": file says " + (file != null ? file : fileRefusal) + ", stream says "
          + (stream != null ? stream : streamRefusal));
    }
    return file != null;
  }

  private static String allowed(StowageException e, Subject s, long seed) {
    if (!(e instanceof InvalidImageDataException) || e.getCause() != null) {
      throw new AssertionError("mutation seed " + seed + " of " + s.path().getFileName()
          + " gave " + e, e);
    }
    return e.getMessage();
  }

  private static final long[] INTERESTING = {0, 1, -1, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL,
      1L << 20, (1L << 20) + 1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 4096, 512, 65536, 2, 3};

  private static List<long[]> mutate(Subject s, Random r) throws IOException {
    List<long[]> touched = new ArrayList<>();
    byte[] file = s.original();
    int kind = r.nextInt(12);
    if (kind == 0) {
      long cut = (long) (r.nextDouble() * file.length);
      try (FileChannel ch = FileChannel.open(s.path(), StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      touched.add(new long[] {cut, file.length - cut});
      return touched;
    }
    int edits = 1 + r.nextInt(3);
    for (int i = 0; i < edits; i++) {
      long[] h = s.hot()[r.nextInt(s.hot().length)];
      long at = h[0] + (long) (r.nextDouble() * Math.max(1, Math.min(h[1], file.length - h[0])));
      at = Math.max(0, Math.min(at, file.length - 8));
      ByteBuffer b = ByteBuffer.allocate(8).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN
          : ByteOrder.BIG_ENDIAN);
      if (kind < 6) {
        b.put(0, (byte) r.nextInt(256));
        b.limit(1);
      } else {
        if (r.nextBoolean()) {
          at &= ~3L;
        }
        b.putLong(0, INTERESTING[r.nextInt(INTERESTING.length)] + (r.nextInt(3) - 1));
        b.limit(new int[] {1, 2, 4, 8}[r.nextInt(4)]);
      }
      try (FileChannel ch = FileChannel.open(s.path(), StandardOpenOption.WRITE)) {
        ch.write(b, at);
      }
      touched.add(new long[] {at, b.limit()});
    }
    return touched;
  }

  private static void restore(Subject s, List<long[]> touched) throws IOException {
    byte[] o = s.original();
    try (FileChannel ch = FileChannel.open(s.path(), StandardOpenOption.WRITE)) {
      for (long[] t : touched) {
        long len = Math.min(t[1], o.length - t[0]);
        if (len > 0) {
          ch.write(ByteBuffer.wrap(o, (int) t[0], (int) len), t[0]);
        }
      }
    }
    assertThat(Files.size(s.path())).isEqualTo(o.length);
  }

  private Path made(String name, String... cmd) {
    Tools.ok(cmd);
    return dir.resolve(name);
  }

  private List<Subject> subjects() throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    String d = dir.toString() + "/";
    List<Subject> out = new ArrayList<>();
    long[][] header = {{0, 512}, {0, 4096}};
    Path q3 = made("q3.qcow2", "qemu-img", "create", "-q", "-f", "qcow2", d + "q3.qcow2", "64M");
    out.add(subject(q3, new Qcow2Format(), header));
    Path base = dir.resolve("q3.qcow2");
    Path q2 = made("q2.qcow2", "qemu-img", "create", "-q", "-f", "qcow2", "-o",
        "compat=0.10,cluster_size=4096", "-b", base.toString(), "-F", "qcow2", d + "q2.qcow2");
    out.add(subject(q2, new Qcow2Format(), header));
    Path qd = made("qd.qcow2", "qemu-img", "create", "-q", "-f", "qcow2", "-o",
        "data_file=" + d + "qd.raw,extended_l2=on,cluster_size=16k", d + "qd.qcow2", "8M");
    out.add(subject(qd, new Qcow2Format(), new long[][] {{0, 1024}}));
    Path vm = made("m.vmdk", "qemu-img", "create", "-q", "-f", "vmdk", d + "m.vmdk", "32M");
    out.add(subject(vm, new VmdkFormat(), new long[][] {{0, 128}, {512, 1024}}));
    Tools.ok("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized",
        base.toString(), d + "s.vmdk");
    out.add(subject(dir.resolve("s.vmdk"), new VmdkFormat(), new long[][] {{0, 128}, {512, 1024}}));
    Tools.ok("qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=monolithicFlat",
        d + "f.vmdk", "4M");
    out.add(subject(dir.resolve("f.vmdk"), new VmdkFormat(), new long[][] {{0, 400}}));
    Path vdi = made("v.vdi", "qemu-img", "create", "-q", "-f", "vdi", d + "v.vdi", "32M");
    out.add(subject(vdi, new VdiFormat(), new long[][] {{64, 8}, {340, 120}, {0, 640}}));
    Path luks = made("l.luks", "qemu-img", "create", "-q", "-f", "luks", "--object",
        "secret,id=s,data=pw", "-o", "key-secret=s,iter-time=250", d + "l.luks", "1M");
    out.add(subject(luks, new LuksFormat(), new long[][] {{0, 600}, {100, 16}, {208, 400}}));
    Tools.require("xorriso", "xorriso");
    Files.createDirectories(dir.resolve("t"));
    Files.writeString(dir.resolve("t/a"), "a");
    Tools.ok("xorriso", "-as", "mkisofs", "-quiet", "-J", "-o", d + "a.iso", d + "t");
    out.add(subject(dir.resolve("a.iso"), new IsoFormat(),
        new long[][] {{32768, 256}, {32768, 8192}, {0, 512}}));
    Tools.require("sfdisk", "fdisk");
    for (String label : new String[] {"gpt", "dos"}) {
      Path disk = dir.resolve(label + ".raw");
      Tools.ok("truncate", "-s", "4M", disk.toString());
      Tools.sh("printf 'label: " + label + "\\n,1M\\n,\\n' | sfdisk -q --no-reread " + disk);
      out.add(subject(disk, new PartitionedRawFormat(),
          new long[][] {{440, 72}, {512, 92}, {1024, 256}}));
    }
    return out;
  }

  private static Subject subject(Path f, DiskFormat format, long[][] hot) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    long[][] all = java.util.Arrays.copyOf(hot, hot.length + 1);
    all[hot.length] = new long[] {Math.max(0, bytes.length - 1536), 1536};
    return new Subject(f, format, bytes, all);
  }
}
