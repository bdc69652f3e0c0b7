package io.stowage.diskformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.StreamInspector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Probes are tight: random data, zeros and short buffers are claimed by no format; each
 * format's own header is claimed by it alone (the oracle tests check that on real images too).
 */
class ProbeTest {
  private static final int HEAD = Images.ALL.stream().mapToInt(DiskFormat::probeLength).max()
      .orElseThrow();

  @Test
  void randomDataIsClaimedByNoFormat() {
    Random r = new Random(42);
    byte[] b = new byte[HEAD];
    for (int i = 0; i < 20_000; i++) {
      r.nextBytes(b);
      if (i % 2 == 0) {
        b[510] = 0x55; // half of them with a boot signature, to tempt the MBR probe
        b[511] = (byte) 0xaa;
      }
      for (DiskFormat f : Images.ALL) {
        assertThat(f.probe(ByteBuffer.wrap(b))).as(f.name() + " on random buffer " + i).isFalse();
      }
    }
  }

  @Test
  void zerosAndShortBuffersAreClaimedByNoFormat() {
    for (int n : new int[] {0, 1, 3, 4, 7, 8, 64, 511, 512, 4096, HEAD}) {
      for (DiskFormat f : Images.ALL) {
        assertThat(f.probe(ByteBuffer.allocate(n))).as(f.name() + " on " + n + " zeros").isFalse();
      }
    }
  }

  @Test
  void shortStreamsAreRefusedNotCrashed() {
    for (DiskFormat f : Images.ALL) {
      for (int n : new int[] {0, 4, 100, 600}) {
        StreamInspector si = f.streamInspector();
        si.update(ByteBuffer.allocate(n));
        assertThatThrownBy(() -> si.finish(n)).as(f.name() + " with " + n + " bytes")
            .isInstanceOf(InvalidImageDataException.class);
      }
      StreamInspector liar = f.streamInspector();
      liar.update(ByteBuffer.allocate(10));
      assertThatThrownBy(() -> liar.finish(11)).isInstanceOf(InvalidImageDataException.class)
          .hasMessageContaining("not the 11 announced");
    }
  }

  @Test
  void eachMagicIsClaimedByItsFormatAlone() {
    ByteBuffer qcow2 = head("QFI\u00fb".getBytes(StandardCharsets.ISO_8859_1), 0);
    ByteBuffer vmdk = head("KDMV".getBytes(StandardCharsets.US_ASCII), 0);
    ByteBuffer descriptor = head(("# Disk DescriptorFile\nversion=1\nCID=fffffffe\n")
        .getBytes(StandardCharsets.US_ASCII), 0);
    ByteBuffer vdi = head(new byte[] {0x7f, 0x10, (byte) 0xda, (byte) 0xbe}, 64);
    ByteBuffer luks = head(new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe, 0, 1}, 0);
    ByteBuffer iso = head(new byte[] {1, 'C', 'D', '0', '0', '1', 1}, 32768);
    ByteBuffer udf = head(new byte[] {0, 'B', 'E', 'A', '0', '1', 1}, 32768);
    udf.put(32768 + 2048, new byte[] {0, 'N', 'S', 'R', '0', '3', 1}, 0, 7);
    ByteBuffer mbr = head(new byte[] {0x55, (byte) 0xaa}, 510);
    mbr.put(446, new byte[] {(byte) 0x80, 0, 0, 0, (byte) 0x83, 0, 0, 0, 0, 8, 0, 0, 0, 0, 1, 0});
    assertClaimedBy(qcow2, "qcow2");
    assertClaimedBy(vmdk, "vmdk");
    assertClaimedBy(descriptor, "vmdk");
    assertClaimedBy(vdi, "vdi");
    assertClaimedBy(luks, "luks");
    assertClaimedBy(iso, "iso");
    assertClaimedBy(udf, "iso");
    assertClaimedBy(mbr, "raw");
    // text that is not a descriptor
    assertClaimedBy(head("# a comment\nhello=1\n".getBytes(StandardCharsets.US_ASCII), 0));
    // an MBR entry with junk in an empty slot is not taken for a partition table
    mbr.put(446 + 16 + 1, (byte) 7);
    assertClaimedBy(mbr);
  }

  /**
   * A polyglot — a qcow2 header whose first cluster also carries an ISO's volume descriptor —
   * is claimed by both, which the host refuses as ambiguous.
   */
  @Test
  void aPolyglotIsClaimedByBoth() {
    ByteBuffer b = head("QFI\u00fb".getBytes(StandardCharsets.ISO_8859_1), 0);
    b.put(32768, new byte[] {1, 'C', 'D', '0', '0', '1', 1});
    assertClaimedBy(b, "qcow2", "iso");
  }

  private static ByteBuffer head(byte[] bytes, int at) {
    ByteBuffer b = ByteBuffer.allocate(HEAD).order(ByteOrder.LITTLE_ENDIAN);
    b.put(at, bytes);
    return b;
  }

  private static void assertClaimedBy(ByteBuffer b, String... names) {
    assertThat(Images.ALL.stream().filter(f -> f.probe(b.duplicate().clear())).map(DiskFormat::name))
        .containsExactly(names);
  }
}
