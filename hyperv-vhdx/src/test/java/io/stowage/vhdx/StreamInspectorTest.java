package io.stowage.vhdx;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.DiskSpec;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.StreamInspector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-pass inspection agrees with inspecting the file, whatever the chunking. */
class StreamInspectorTest {
  @TempDir Path dir;

  static DiskInfo stream(DiskFormat format, Path f, long seed) throws IOException {
    StreamInspector si = format.streamInspector();
    Random r = new Random(seed);
    long total = 0;
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[3 << 20];
      int n;
      while ((n = in.read(buf, 0, 1 + r.nextInt(buf.length))) > 0) {
        si.update(ByteBuffer.wrap(buf, 0, n));
        total += n;
      }
    }
    return si.finish(total);
  }

  static DiskInfo inspect(DiskFormat format, Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f)) {
      return format.inspect(ch);
    }
  }

  @Test
  void vhdxStreamMatchesFile() throws IOException {
    VhdxFormat format = new VhdxFormat();
    Path q = dir.resolve("q.vhdx");
    Tools.ok("qemu-img", "create", "-q", "-f", "vhdx", "-o", "block_size=1M", q.toString(), "256M");
    Tools.ok("qemu-io", "-f", "vhdx", "-c", "write -P 0x1 5M 7M", q.toString());
    Path ours = dir.resolve("o.vhdx");
    format.create(ours, DiskSpec.dynamic(1L << 30));
    Path child = dir.resolve("c.vhdx");
    format.create(child, DiskSpec.differencing(ours));
    for (Path f : new Path[] {q, ours, child}) {
      for (long seed = 0; seed < 3; seed++) {
        assertThat(stream(format, f, seed)).isEqualTo(inspect(format, f));
      }
    }
    assertThat(stream(format, child, 9).safety()).extracting(s -> s.check())
        .containsExactly("parent_reference");
  }

  @Test
  void vpcStreamMatchesFile() throws IOException {
    VpcFormat format = new VpcFormat();
    for (String sub : new String[] {"dynamic", "fixed"}) {
      Path f = dir.resolve(sub + ".vhd");
      Tools.ok("qemu-img", "create", "-q", "-f", "vpc", "-o", "subformat=" + sub, f.toString(),
          "20M");
      Tools.ok("qemu-io", "-f", "vpc", "-c", "write -P 0x1 5M 3M", f.toString());
      for (long seed = 0; seed < 3; seed++) {
        assertThat(stream(format, f, seed)).isEqualTo(inspect(format, f));
      }
    }
  }

  @Test
  void shortOrLyingStreamsAreRefused() throws IOException {
    VhdxFormat format = new VhdxFormat();
    Path f = dir.resolve("s.vhdx");
    format.create(f, DiskSpec.dynamic(64 << 20));
    StreamInspector si = format.streamInspector();
    byte[] head = Files2.read(f, 0, 2 << 20).array();
    si.update(ByteBuffer.wrap(head));
    assertThatThrownBy(() -> si.finish(head.length + 1))
        .isInstanceOf(InvalidImageDataException.class);
    StreamInspector si2 = format.streamInspector();
    si2.update(ByteBuffer.wrap(head));
    assertThatThrownBy(() -> si2.finish(head.length))
        .isInstanceOf(InvalidImageDataException.class).hasMessageContaining("end of the file");
  }
}
