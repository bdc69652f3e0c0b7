package io.stowage.vhdx;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.StreamInspector;
import io.stowage.api.disk.DiskSpec;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.pf4j.Extension;

/**
 * The legacy VHD format ({@code vpc}, as qemu names it): validating inspection of fixed,
 * dynamic and differencing disks, their creation and their guest data. Stateless and
 * thread-safe.
 *
 * <p>{@link #probe} sees the footer copy at offset 0 that dynamic and differencing disks carry;
 * a fixed VHD has its footer only at the end, which {@link #probeTail} sees.
 */
@Extension
public final class VpcFormat implements DiskFormat {
  private static final byte[] MAGIC = "conectix".getBytes(StandardCharsets.US_ASCII);

  @Override
  public String name() {
    return "vpc";
  }

  @Override
  public int probeLength() {
    return MAGIC.length;
  }

  @Override
  public int tailProbeLength() {
    return 512;
  }

  @Override
  public boolean probeTail(ByteBuffer tail) {
    return tail.remaining() >= 512 && probe(tail.slice(tail.limit() - 512, 512));
  }

  @Override
  public boolean probe(ByteBuffer head) {
    return VhdxDisks.startsWith(head, MAGIC);
  }

  @Override
  public DiskInfo inspect(SeekableByteChannel image) {
    return VpcImage.open(new ChannelSource(image)).info();
  }

  @Override
  public StreamInspector streamInspector() {
    return new VpcStreamInspector();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fixed and dynamic disks of any size up to 2040 GiB; the size is rounded up to a whole
   * CHS geometry as qemu-img rounds it. {@link DiskSpec#blockSize()}: 512 KiB to 256 MiB, 2 MiB
   * by default. A differencing disk takes its parent's size and block size. Sectors are 512
   * bytes; there is no log.
   */
  @Override
  public void create(Path target, DiskSpec spec) {
    VpcCreator.create(target, spec);
  }

  /** {@inheritDoc} A differencing disk reads through its parents. */
  @Override
  public SeekableByteChannel openVirtualDisk(Path image) {
    return VpcParents.open(image);
  }
}
