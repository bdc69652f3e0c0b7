package io.stowage.diskformats;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.StreamInspector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Inspecting test images every way the host does. */
final class Images {
  private Images() {}

  static final List<DiskFormat> ALL = List.of(new Qcow2Format(), new VmdkFormat(),
      new VdiFormat(), new IsoFormat(), new LuksFormat(), new PartitionedRawFormat());

  static DiskInfo inspect(DiskFormat format, Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f)) {
      return format.inspect(ch);
    }
  }

  static DiskInfo stream(DiskFormat format, Path f, long seed) throws IOException {
    StreamInspector si = format.streamInspector();
    Random r = new Random(seed);
    long total = 0;
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf, 0, 1 + r.nextInt(r.nextBoolean() ? 700 : buf.length))) > 0) {
        si.update(ByteBuffer.wrap(buf, 0, n));
        total += n;
      }
    }
    return si.finish(total);
  }

  /** The formats whose probe claims the file's first bytes, as the host asks them. */
  static List<String> claimants(Path f) throws IOException {
    int n = ALL.stream().mapToInt(DiskFormat::probeLength).max().orElse(512);
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(n, Files.size(f)));
    try (FileChannel ch = FileChannel.open(f)) {
      while (head.hasRemaining() && ch.read(head) >= 0) {}
    }
    head.flip();
    List<String> names = new ArrayList<>();
    for (DiskFormat format : ALL) {
      if (format.probe(head.asReadOnlyBuffer())) {
        names.add(format.name());
      }
    }
    return names;
  }

  /**
   * The one format that claims {@code f}, checked to be {@code name}; inspects the file and
   * streams it three ways, all of which must agree.
   */
  static DiskInfo check(Path f, String name) throws IOException {
    List<String> claims = claimants(f);
    assertThat(claims).as("formats claiming " + f.getFileName()).containsExactly(name);
    DiskFormat format = ALL.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    DiskInfo info = inspect(format, f);
    for (long seed = 0; seed < 3; seed++) {
      assertThat(stream(format, f, seed)).as("stream inspection of " + f.getFileName())
          .isEqualTo(info);
    }
    return info;
  }
}
