package io.stowage.vhdx;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.DiskSpec;
import io.stowage.vhdx.TestWriters.Write;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * VHDX and VHD files over a generated matrix — made by qemu-img/qemu-io and by this code;
 * dynamic, fixed, differencing; block sizes 1 to 256 MiB; logical sectors 512 and 4096; virtual
 * sizes that are and are not multiples of the block, of 1 MiB and of the sector; empty, partly
 * and fully written with patterns at block and sector edges and in the last partial block; with
 * a log to replay; grown in place — each compared with the oracles: {@code qemu-img info},
 * {@code qemu-img check}, {@code qemu-img convert -O raw} (byte for byte, with {@code cmp}),
 * {@code vhdiinfo}, and {@code vhdimount} where qemu cannot read the file; and with the test's own
 * model of what the guest wrote.
 *
 * <p>Seeded: {@code -Dmatrix.seed=N} replays a run (the seed is printed, and named in every case),
 * {@code -Dmatrix.cases=N} sets the number of cases (default 48, a few minutes on 2 cores).
 * Sparse files keep the disk use small. The tools are required when {@code CI} is set.
 */
class OracleMatrixTest {
  static final long MIB = 1 << 20;
  @TempDir Path root;

  enum Kind {
    VHDX_QEMU_DYNAMIC, VHDX_QEMU_FIXED, VHDX_OURS_DYNAMIC, VHDX_OURS_FIXED, VHDX_DIFFERENCING,
    VHDX_LOG_REPLAY, VHDX_RESIZED, VHD_QEMU_FIXED, VHD_QEMU_DYNAMIC, VHD_OURS_FIXED,
    VHD_OURS_DYNAMIC, VHD_DIFFERENCING;

    boolean vhdx() {
      return name().startsWith("VHDX");
    }

    boolean ours() {
      return this != VHDX_QEMU_DYNAMIC && this != VHDX_QEMU_FIXED && this != VHDX_LOG_REPLAY
          && this != VHD_QEMU_FIXED && this != VHD_QEMU_DYNAMIC;
    }
  }

  enum SizeKind { BLOCK_MULTIPLE, MIB_MULTIPLE, SECTOR_MULTIPLE }

  enum Fill { EMPTY, PARTLY, FULLY }

  /** One generated case; {@code flag} is a kind-specific choice (block_state_zero, force_size). */
  record Case(int number, long seed, Kind kind, long blockSize, int sectorSize, SizeKind sizeKind,
      Fill fill, boolean flag) {
    @Override
    public String toString() {
      return String.format("#%d %s block %s sector %d size %s %s%s (seed %d)", number, kind,
          blockSize % MIB == 0 ? blockSize / MIB + "MiB" : blockSize / 1024 + "KiB", sectorSize,
          sizeKind, fill, flag ? " flag" : "", seed);
    }
  }

  /** Draws values from a shuffled deck, reshuffled when empty: every value comes up. */
  static final class Deck<T> {
    private final List<T> values;
    private final Random random;
    private final List<T> deck = new ArrayList<>();

    Deck(List<T> values, Random random) {
      this.values = values;
      this.random = random;
    }

    T next() {
      if (deck.isEmpty()) {
        deck.addAll(values);
        Collections.shuffle(deck, random);
      }
      return deck.remove(deck.size() - 1);
    }
  }

  static List<Case> cases(long seed, int count) {
    Random r = new Random(seed);
    List<Long> vhdxBlocks = new ArrayList<>();
    for (long b = MIB; b <= 256 * MIB; b *= 2) {
      vhdxBlocks.add(b);
    }
    Deck<Kind> kinds = new Deck<>(List.of(Kind.values()), r);
    Deck<Long> blocks = new Deck<>(vhdxBlocks, r);
    Deck<Long> vhdBlocks = new Deck<>(List.of(512 * 1024L, MIB, 2 * MIB, 4 * MIB), r);
    Deck<Integer> sectors = new Deck<>(List.of(512, 4096), r);
    Deck<SizeKind> sizes = new Deck<>(List.of(SizeKind.values()), r);
    Deck<Fill> fills = new Deck<>(List.of(Fill.values()), r);
    Deck<Boolean> flags = new Deck<>(List.of(true, false), r);
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Kind k = kinds.next();
      long bs = k.vhdx() ? blocks.next() : k == Kind.VHD_OURS_DYNAMIC ? vhdBlocks.next() : 2 * MIB;
      boolean ourVhdx = k == Kind.VHDX_OURS_DYNAMIC || k == Kind.VHDX_OURS_FIXED
          || k == Kind.VHDX_DIFFERENCING;
      int sector = ourVhdx ? sectors.next() : 512;
      Fill fill = fills.next();
      if ((k == Kind.VHDX_LOG_REPLAY || k == Kind.VHD_DIFFERENCING || k == Kind.VHDX_DIFFERENCING)
          && fill == Fill.EMPTY) {
        fill = Fill.PARTLY;
      }
      out.add(new Case(i, r.nextLong(), k, bs, sector, sizes.next(), fill, flags.next()));
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> matrix() {
    long seed = Long.getLong("matrix.seed", new Random().nextLong());
    int count = Integer.getInteger("matrix.cases", 48);
    List<Case> cases = cases(seed, count);
    System.out.printf("OracleMatrixTest: seed %d, %d cases (replay: -Dmatrix.seed=%d"
        + " -Dmatrix.cases=%d)%n", seed, count, seed, count);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
      Path dir = Files.createDirectory(root.resolve("case" + c.number()));
      try {
        new Run(c, dir).run();
      } catch (AssertionError | Exception e) {
        throw new AssertionError("case " + c + " (matrix seed " + seed + "): " + e.getMessage(),
            e);
      } finally {
        Oracles.deleteTree(dir);
      }
    }));
  }

  /** A virtual size of the case's kind. */
  static long virtualSize(Case c, Random r) {
    long bs = c.blockSize();
    long limit = c.fill() == Fill.FULLY ? 48 * MIB : 640 * MIB;
    long blocks = r.nextInt(4);
    while (blocks > 0 && blocks * bs > limit) {
      blocks--;
    }
    long rest;
    switch (c.sizeKind()) {
      case BLOCK_MULTIPLE -> {
        if (bs > limit) { // a full block is too large to write: a part block then
          rest = (1 + r.nextInt((int) (limit / MIB))) * MIB;
        } else {
          blocks = Math.max(1, blocks);
          rest = 0;
        }
      }
      case MIB_MULTIPLE -> rest = bs <= MIB ? 0 : (1 + r.nextInt((int) (Math.min(bs, limit) / MIB) - 1)) * MIB;
      default -> {
        long span = Math.min(bs, limit) / c.sectorSize();
        long s;
        do {
          s = 1 + (long) (r.nextDouble() * (span - 1));
        } while (s * c.sectorSize() % MIB == 0);
        rest = s * c.sectorSize();
      }
    }
    long v = blocks * bs + rest;
    return v == 0 ? bs : v;
  }

  /** Guest writes of the case's fill: block and sector edges, the disk's last sectors. */
  static List<Write> writes(Fill fill, long size, long bs, int sector, Random r, int pattern) {
    List<Write> w = new ArrayList<>();
    if (fill == Fill.EMPTY) {
      return w;
    }
    if (fill == Fill.FULLY) {
      for (long at = 0; at < size; at += 8 * MIB) {
        w.add(new Write(at, Math.min(8 * MIB, size - at), pattern++));
      }
    }
    w.add(new Write(0, sector, pattern++));
    long sectors = size / sector;
    if (size > bs) { // across a block boundary
      long edge = (1 + r.nextInt((int) ((size - 1) / bs))) * bs;
      long before = Math.min(edge, sector * (1 + r.nextInt(16)));
      long after = Math.min(size - edge, sector * (1 + r.nextInt(16)));
      w.add(new Write(edge - before, before + after, pattern++));
    }
    if (size % bs != 0) { // the start of the last, partial block
      long start = size - size % bs;
      w.add(new Write(start, Math.min(size - start, sector * (1 + r.nextInt(8))), pattern++));
    }
    for (int i = 0; i < 3; i++) { // anywhere, up to 1 MiB
      long len = Math.min(sectors, 1 + r.nextInt(2048 * 512 / sector));
      long at = (long) (r.nextDouble() * (sectors - len + 1));
      w.add(new Write(at * sector, len * sector, pattern++));
    }
    w.add(new Write(size - sector, sector, pattern++)); // the last sector
    Write any = w.get(r.nextInt(w.size())); // an overwrite of part of an earlier write
    w.add(new Write(any.offset(), Math.max(sector, any.length() / 2 / sector * sector), pattern));
    return w;
  }

  /** What a case does: make the file, write it, then ask every oracle. */
  static final class Run {
    final Case c;
    final Path dir;
    final Random r;
    final Model model = new Model();
    final DiskFormat format;
    final String qemuFormat;

    Run(Case c, Path dir) {
      this.c = c;
      this.dir = dir;
      this.r = new Random(c.seed());
      this.format = c.kind().vhdx() ? new VhdxFormat() : new VpcFormat();
      this.qemuFormat = c.kind().vhdx() ? "vhdx" : "vpc";
    }

    void run() throws IOException {
      Path image = dir.resolve(c.kind().vhdx() ? "disk.vhdx" : "disk.vhd");
      Path f = image;
      long size = make(f);
      DiskInfo info = inspect(f);
      assertThat(info.format()).isEqualTo(format.name());
      assertThat(info.virtualSize()).as("virtual size").isEqualTo(size);
      Oracles.vhdiinfo(f, size, typeOf(info));
      boolean qemuReads = !c.kind().name().endsWith("DIFFERENCING") && c.sectorSize() == 512;
      boolean libvhdiReads = !(c.kind() == Kind.VHD_DIFFERENCING && c.flag());
      Path ours = dir.resolve("ours.raw");
      Oracles.toRaw(format, f, ours);
      Path expected = model.write(dir.resolve("expected.raw"), size);
      Oracles.cmp(ours, expected, "our guest bytes against the model of what was written");
      Path transferred = dir.resolve("transferred.raw");
      Oracles.toRawByTransfer(format, f, transferred, r);
      Oracles.cmp(transferred, expected, "our guest bytes by transferTo against the model");
      if (c.kind() == Kind.VHDX_LOG_REPLAY) {
        assertThat(info.details()).containsEntry("log_state", "replay_needed");
        assertThat(info.safety()).extracting(s -> s.check()).contains("log_replay_needed");
        Path replayed = dir.resolve("replayed.vhdx");
        Files.copy(f, replayed, StandardCopyOption.COPY_ATTRIBUTES);
        Tools.run("qemu-img", "check", "-r", "all", replayed.toString());
        f = replayed;
      }
      if (qemuReads) {
        Oracles.qemuInfo(f, qemuFormat, size);
        if (c.kind().vhdx()) {
          Oracles.qemuCheck(f);
        }
        Path theirs = dir.resolve("qemu.raw");
        Tools.ok("qemu-img", "convert", "-f", qemuFormat, "-O", "raw", f.toString(),
            theirs.toString());
        Oracles.cmp(ours, theirs, "our guest bytes against qemu-img convert's");
      } else if (libvhdiReads) {
        Oracles.vhdimount(f, expected);
      }
      if (size <= 64 * MIB) {
        assertThat(Oracles.streamInspect(format, image).toString()).as("one-pass stream inspection")
            .isEqualTo(info.toString());
      }
    }

    static String typeOf(DiskInfo info) {
      return (String) info.details().get("type");
    }

    DiskInfo inspect(Path f) throws IOException {
      try (FileChannel ch = FileChannel.open(f)) {
        return format.inspect(ch);
      }
    }

    /** Makes and writes the file; returns its virtual size. */
    long make(Path f) throws IOException {
      long want = virtualSize(c, r);
      long bs = c.blockSize();
      int pattern = 1 + r.nextInt(100);
      switch (c.kind()) {
        case VHDX_QEMU_DYNAMIC, VHDX_QEMU_FIXED, VHDX_LOG_REPLAY -> {
          String opts = "block_size=" + bs + ",log_size=" + (1 + r.nextInt(2)) + "M"
              + (c.kind() == Kind.VHDX_QEMU_FIXED ? ",subformat=fixed" : "")
              + (c.kind() == Kind.VHDX_QEMU_FIXED && c.flag() ? ",block_state_zero=off" : "");
          Tools.ok("qemu-img", "create", "-q", "-f", "vhdx", "-o", opts, f.toString(),
              Long.toString(want));
          qemuWrites(f, writes(c.fill(), want, bs, 512, r, pattern));
          if (c.kind() == Kind.VHDX_LOG_REPLAY) {
            Oracles.addLog(f, model, r);
          }
          return want;
        }
        case VHDX_OURS_DYNAMIC, VHDX_OURS_FIXED -> {
          DiskSpec spec = DiskSpec.dynamic(want).withBlockSize(bs)
              .withLogicalSectorSize(c.sectorSize()).withFixed(c.kind() == Kind.VHDX_OURS_FIXED);
          if (c.flag()) {
            spec = spec.withPhysicalSectorSize(4096).withLogSize(2 * MIB);
          }
          format.create(f, spec);
          ourWrites(f, writes(c.fill(), want, bs, c.sectorSize(), r, pattern));
          return want;
        }
        case VHDX_RESIZED -> {
          long first = Math.max(512, want / 2 / 512 * 512);
          boolean fixed = c.flag();
          if (r.nextBoolean()) {
            format.create(f, DiskSpec.dynamic(first).withBlockSize(bs).withFixed(fixed));
          } else {
            Tools.ok("qemu-img", "create", "-q", "-f", "vhdx", "-o", "block_size=" + bs
                + (fixed ? ",subformat=fixed,block_state_zero=off" : ""), f.toString(),
                Long.toString(first));
          }
          qemuWrites(f, writes(c.fill(), first, bs, 512, r, pattern));
          format.resize(f, want);
          Oracles.qemuCheck(f);
          qemuWrites(f, writes(c.fill() == Fill.EMPTY ? Fill.EMPTY : Fill.PARTLY, want, bs, 512,
              r, pattern + 20));
          return want;
        }
        case VHDX_DIFFERENCING -> {
          Path parent = dir.resolve("parent.vhdx");
          format.create(parent, DiskSpec.dynamic(want).withBlockSize(bs)
              .withLogicalSectorSize(c.sectorSize()));
          ourWrites(parent, writes(c.fill(), want, bs, c.sectorSize(), r, pattern));
          format.create(f, DiskSpec.differencing(parent));
          List<Write> w = writes(Fill.PARTLY, want, bs, c.sectorSize(), r, pattern + 30);
          TestWriters.vhdx(f, w);
          model.addAll(w);
          return want;
        }
        case VHD_QEMU_FIXED, VHD_QEMU_DYNAMIC -> {
          Tools.ok("qemu-img", "create", "-q", "-f", "vpc", "-o",
              "subformat=" + (c.kind() == Kind.VHD_QEMU_FIXED ? "fixed" : "dynamic")
                  + ",force_size=" + (c.flag() ? "on" : "off"),
              f.toString(), Long.toString(vhdSize(want)));
          long size = Oracles.qemuVirtualSize(f, "vpc");
          qemuWrites(f, writes(c.fill(), size, 2 * MIB, 512, r, pattern));
          return size;
        }
        case VHD_OURS_FIXED, VHD_OURS_DYNAMIC -> {
          format.create(f, DiskSpec.dynamic(vhdSize(want)).withFixed(c.kind() == Kind.VHD_OURS_FIXED)
              .withBlockSize(bs));
          long size = Oracles.qemuVirtualSize(f, "vpc");
          qemuWrites(f, writes(c.fill(), size, bs, 512, r, pattern));
          return size;
        }
        case VHD_DIFFERENCING -> {
          Path parent = dir.resolve("parent.vhd");
          if (c.flag()) {
            Tools.ok("qemu-img", "create", "-q", "-f", "vpc", parent.toString(),
                Long.toString(vhdSize(want)));
          } else {
            format.create(parent, DiskSpec.dynamic(vhdSize(want)));
          }
          long size = Oracles.qemuVirtualSize(parent, "vpc");
          qemuWrites(parent, writes(c.fill(), size, 2 * MIB, 512, r, pattern));
          format.create(f, DiskSpec.differencing(parent));
          // libvhdi 20210425 misreads parent sectors that share a bitmap byte with the child's:
          // 4 KiB-aligned writes for it, 512-byte ones (flag) checked against the model only
          List<Write> w = writes(Fill.PARTLY, size, 2 * MIB, c.flag() ? 512 : 4096, r,
              pattern + 30);
          qemuWrites(f, w); // qemu writes the child as if dynamic, every sector marked
          TestWriters.vhdBitmaps(f, w);
          return size;
        }
        default -> throw new AssertionError(c.kind());
      }
    }

    /** VHD sizes stay small: their blocks are 2 MiB, not the case's VHDX block size. */
    long vhdSize(long want) {
      return Math.max(512, Math.min(want, 80 * MIB) / 512 * 512);
    }

    void qemuWrites(Path f, List<Write> w) {
      Oracles.qemuIo(f, qemuFormat, w);
      model.addAll(w);
    }

    void ourWrites(Path f, List<Write> w) throws IOException {
      if (c.sectorSize() == 512) {
        qemuWrites(f, w);
      } else {
        TestWriters.vhdx(f, w);
        model.addAll(w);
      }
    }
  }

  /** What the guest wrote, in order: patterns and zeroed ranges; the rest reads as zeros. */
  static final class Model {
    private final List<Write> ops = new ArrayList<>();

    void addAll(List<Write> w) {
      ops.addAll(w);
    }

    void add(Write w) {
      ops.add(w);
    }

    /** The expected raw image, sparse. */
    Path write(Path f, long size) throws IOException {
      try (FileChannel ch = FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE)) {
        for (Write w : ops) {
          long end = Math.min(size, w.end());
          if (w.offset() < end) {
            TestWriters.fill(ch, w.offset(), end - w.offset(), w.pattern());
          }
        }
        ch.truncate(size);
        if (ch.size() < size) {
          ch.write(ByteBuffer.allocate(1), size - 1);
        }
      }
      return f;
    }
  }
}
