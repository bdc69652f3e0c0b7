package io.stowage.vhdx;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.StreamInspector;
import io.stowage.api.UnsupportedStoreOperationException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.pf4j.Extension;

/**
 * The legacy VHD format ({@code vpc}, as qemu names it): validating inspection of fixed,
 * dynamic and differencing disks, and guest data of fixed and dynamic ones. Stateless and
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
   * @throws UnsupportedStoreOperationException for a differencing VHD
   */
  @Override
  public SeekableByteChannel openVirtualDisk(Path image) {
    FileChannel fc = VhdxDisks.openFile(image);
    try {
      VpcImage img = VpcImage.open(new ChannelSource(fc));
      if (img.type == VpcImage.DIFFERENCING) {
        throw new UnsupportedStoreOperationException(
            "guest data of differencing VHD files cannot be read; convert the chain with qemu-img");
      }
      return new VpcChannel(img, fc);
    } catch (RuntimeException e) {
      VhdxDisks.closeQuietly(fc, e);
      throw e;
    }
  }
}
