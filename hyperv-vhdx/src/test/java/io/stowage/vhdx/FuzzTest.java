package io.stowage.vhdx;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskSpec;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.StowageException;
import io.stowage.api.disk.StreamInspector;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of valid VHDX and VHD files (bytes flipped, fields set to extreme values,
 * checksums then fixed so deeper checks are reached, files cut short). Inspecting, streaming
 * and reading each must end normally or in InvalidImageData — no other exception, no hang.
 */
class FuzzTest {
  /** How many mutations, from which seed: {@code -Dfuzz.mutations=N -Dfuzz.seed=S}. */
  private static final int MUTATIONS = Integer.getInteger("fuzz.mutations", 2000);
  private static final long SEED = Long.getLong("fuzz.seed", 0x5eed_7a11L);
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fuzz");
    t.setDaemon(true);
    return t;
  });

  /** A file under test: its format and the ranges where mutations mostly land. */
  record Subject(Path path, DiskFormat format, byte[] original, long[][] hot, boolean vhdx) {}

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void mutatedImagesFailOnlyWithInvalidImageData() throws Exception {
    List<Subject> subjects = subjects();
    Random r = new Random(SEED);
    System.out.printf("fuzz: seed %d, %d mutations (replay: -Dfuzz.seed=%d -Dfuzz.mutations=%d)%n",
        SEED, MUTATIONS, SEED, MUTATIONS);
    int done = 0;
    int refused = 0;
    for (; done < MUTATIONS; done++) {
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
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError("mutation seed " + seed + " of " + s.path().getFileName()
            + " escaped with " + e.getCause(), e.getCause());
      }
      restore(s, touched);
    }
    System.out.printf("fuzz: %d mutations, %d refused by inspect%n", done, refused);
    assertThat(refused).isGreaterThan(done / 10); // the mutations do reach the checks
  }

  /** Runs every reader on the mutated file; false if it was refused. */
  private static boolean exercise(Subject s, long seed) throws IOException {
    boolean ok = true;
    try (FileChannel ch = FileChannel.open(s.path())) {
      s.format().inspect(ch);
    } catch (StowageException e) {
      ok = false;
      allowed(e, s, seed);
    }
    if (seed % 4 == 0) {
      StreamInspector si = s.format().streamInspector();
      byte[] bytes = Files.readAllBytes(s.path());
      try {
        for (int at = 0; at < bytes.length; at += 1 << 20) {
          si.update(ByteBuffer.wrap(bytes, at, Math.min(1 << 20, bytes.length - at)));
        }
        si.finish(bytes.length);
      } catch (StowageException e) {
        allowed(e, s, seed);
      }
    }
    try (SeekableByteChannel ch = s.format().openVirtualDisk(s.path())) {
      Random r = new Random(seed);
      ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
      long size = ch.size();
      for (int i = 0; i < 6 && size > 0; i++) {
        ch.position(i == 0 ? 0 : (r.nextLong() & Long.MAX_VALUE) % size);
        b.clear();
        ch.read(b);
      }
    } catch (StowageException e) {
      allowed(e, s, seed);
    }
    return ok;
  }

  private static void allowed(StowageException e, Subject s, long seed) {
    boolean fine = e instanceof InvalidImageDataException
        && (e.getCause() == null || e.getCause() instanceof StowageException);
    if (!fine) {
      throw new AssertionError("mutation seed " + seed + " of " + s.path().getFileName()
          + " gave " + e, e);
    }
  }

  private static final long[] INTERESTING = {0, 1, -1, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL,
      1L << 20, (1L << 20) + 1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 4096, 512, 65536};

  private static List<long[]> mutate(Subject s, Random r) throws IOException {
    List<long[]> touched = new ArrayList<>();
    byte[] file = s.original();
    int kind = r.nextInt(10);
    if (kind == 0) {
      long cut = (long) (r.nextDouble() * file.length);
      try (FileChannel ch = FileChannel.open(s.path(), StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      touched.add(new long[] {cut, file.length - cut});
      return touched;
    }
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits; i++) {
      long[] h = s.hot()[r.nextInt(s.hot().length)];
      long at = h[0] + (long) (r.nextDouble() * Math.max(1, Math.min(h[1], file.length - h[0])));
      at = Math.min(at, file.length - 8);
      ByteBuffer b = ByteBuffer.allocate(8).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN
          : ByteOrder.BIG_ENDIAN);
      if (kind < 5) {
        b.put(0, (byte) r.nextInt(256));
        b.limit(1);
      } else {
        if (r.nextBoolean()) {
          at &= ~3L;
        }
        b.putLong(0, INTERESTING[r.nextInt(INTERESTING.length)] + (r.nextInt(3) - 1));
        b.limit(new int[] {2, 4, 8}[r.nextInt(3)]);
      }
      Files2.write(s.path(), at, b);
      touched.add(new long[] {at, b.limit()});
    }
    if (r.nextInt(3) > 0) {
      reseal(s, touched);
    }
    return touched;
  }

  /** Fixes the checksums so that the mutation is seen by the checks behind them. */
  private static void reseal(Subject s, List<long[]> touched) throws IOException {
    if (s.vhdx()) {
      for (long h : VhdxHeader.OFFSETS) {
        Files2.edit(s.path(), h, 4096, true, b -> {});
        touched.add(new long[] {h, 4096});
      }
      for (long t : VhdxLayout.REGION_TABLE_OFFSETS) {
        Files2.edit(s.path(), t, 65536, true, b -> {});
        touched.add(new long[] {t, 65536});
      }
    } else {
      long end = Files.size(s.path()) - 512;
      for (long at : new long[] {0, end}) {
        ByteBuffer f = Files2.read(s.path(), at, 512);
        VpcTest.reseal(f, 64, 512);
        Files2.write(s.path(), at, f);
        touched.add(new long[] {at, 512});
      }
      ByteBuffer f = Files2.read(s.path(), 0, 512).order(ByteOrder.BIG_ENDIAN);
      long dyn = f.getLong(16);
      if (dyn > 0 && dyn < end - 1024) {
        ByteBuffer d = Files2.read(s.path(), dyn, 1024);
        VpcTest.reseal(d, 36, 1024);
        Files2.write(s.path(), dyn, d);
        touched.add(new long[] {dyn, 1024});
      }
    }
  }

  private static void restore(Subject s, List<long[]> touched) throws IOException {
    byte[] o = s.original();
    for (long[] t : touched) {
      long len = Math.min(t[1], o.length - t[0]);
      if (len > 0) {
        Files2.write(s.path(), t[0], ByteBuffer.wrap(o, (int) t[0], (int) len));
      }
    }
    assertThat(Files.size(s.path())).isEqualTo(o.length);
  }

  private List<Subject> subjects() throws IOException {
    VhdxFormat vhdx = new VhdxFormat();
    VpcFormat vpc = new VpcFormat();
    List<Subject> out = new ArrayList<>();
    Path q = dir.resolve("qemu.vhdx");
    Tools.ok("qemu-img", "create", "-q", "-f", "vhdx", "-o", "block_size=1M", q.toString(), "16M");
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x31 1M 3M", q.toString());
    out.add(vhdxSubject(q, vhdx));
    Path base = dir.resolve("base.vhdx");
    Path child = dir.resolve("child.vhdx");
    PartialBlockTest.makeChain(vhdx, base, child, 3);
    out.add(vhdxSubject(child, vhdx));
    Path fixed = dir.resolve("fixed.vhdx");
    vhdx.create(fixed, DiskSpec.fixed(8 << 20).withBlockSize(1 << 20));
    out.add(vhdxSubject(fixed, vhdx));
    Path logged = dir.resolve("logged.vhdx");
    Files.copy(q, logged);
    VhdxLayout l;
    try (FileChannel ch = FileChannel.open(logged)) {
      l = VhdxImage.open(new ChannelSource(ch)).layout;
    }
    Guid g = Guid.random();
    long block = Files2.read(logged, l.batOffset() + 8, 8).getLong(0) & Bat.OFFSET_MASK;
    LogReplayTest.writeEntry(logged, l, 0, 5, g, new long[][] {{block, 0x44}, {l.batOffset(), 0}},
        new long[][] {{block + 4096, 8192}}, Files.size(logged));
    LogReplayTest.setLogGuid(logged, l, g);
    out.add(vhdxSubject(logged, vhdx));
    for (String sub : new String[] {"dynamic", "fixed"}) {
      Path v = dir.resolve(sub + ".vhd");
      Tools.ok("qemu-img", "create", "-q", "-f", "vpc", "-o", "subformat=" + sub, v.toString(),
          "6M");
      Tools.ok("qemu-io", "-f", "vpc", "-c", "write -P 0x32 1M 2M", v.toString());
      byte[] o = Files.readAllBytes(v);
      long end = o.length - 512;
      long[][] hot = sub.equals("fixed")
          ? new long[][] {{end, 512}}
          : new long[][] {{0, 512}, {512, 1024}, {1536, 4096}, {end, 512}, {0, o.length}};
      out.add(new Subject(v, vpc, o, hot, false));
    }
    Path vbase = dir.resolve("vbase.vhd");
    Tools.ok("qemu-img", "create", "-q", "-f", "vpc", vbase.toString(), "6M");
    Tools.ok("qemu-io", "-f", "vpc", "-c", "write -P 0x34 0 4M", vbase.toString());
    Path vchild = dir.resolve("vchild.vhd");
    vpc.create(vchild, DiskSpec.differencing(vbase));
    Tools.ok("qemu-io", "-f", "vpc", "-c", "write -P 0x35 2M 1M", vchild.toString());
    TestWriters.vhdBitmaps(vchild, List.of(new TestWriters.Write((2 << 20) + 1536, 8192, 0)));
    byte[] c = Files.readAllBytes(vchild);
    out.add(new Subject(vchild, vpc, c, new long[][] {{0, 512}, {512, 1024}, {1536, 4096},
        {5632, 2048}, {c.length - 512, 512}, {0, c.length}}, false));
    return out;
  }

  private static Subject vhdxSubject(Path f, VhdxFormat format) throws IOException {
    VhdxLayout l;
    try (FileChannel ch = FileChannel.open(f)) {
      l = VhdxImage.open(new ChannelSource(ch)).layout;
    }
    long[][] hot = {
      {0, 512}, {VhdxHeader.OFFSETS[0], 128}, {VhdxHeader.OFFSETS[1], 128},
      {VhdxLayout.REGION_TABLE_OFFSETS[0], 128}, {VhdxLayout.REGION_TABLE_OFFSETS[1], 128},
      {l.header().logOffset(), 8192}, {l.batOffset(), 512}, {l.metadataOffset(), 512},
      {l.metadataOffset() + 65536, 5 * 4096 + 1024}, {0, Files.size(f)},
    };
    return new Subject(f, format, Files.readAllBytes(f), hot, true);
  }
}
