package io.stowage.vhdx;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.DiskSpec;
import io.stowage.api.disk.StreamInspector;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.pf4j.Extension;

/**
 * The VHDX format (Hyper-V, MS-VHDX 1.0): validating inspection, creation of dynamic, fixed and
 * differencing disks, guest data, in-place growth and parent reconnection. Stateless and
 * thread-safe.
 *
 * <p>{@link #create} takes every {@link DiskSpec} field: block size 1–256 MiB (default qemu's
 * for the size), logical and physical sectors 512 or 4096, a log of whole MiB (1 MiB default).
 */
@Extension
public final class VhdxFormat implements DiskFormat {
  private static final byte[] MAGIC = "vhdxfile".getBytes(StandardCharsets.US_ASCII);

  @Override
  public String name() {
    return "vhdx";
  }

  @Override
  public int probeLength() {
    return MAGIC.length;
  }

  @Override
  public boolean probe(ByteBuffer head) {
    return VhdxDisks.startsWith(head, MAGIC);
  }

  @Override
  public DiskInfo inspect(SeekableByteChannel image) {
    return VhdxImage.open(new ChannelSource(image)).info();
  }

  @Override
  public StreamInspector streamInspector() {
    return new VhdxStreamInspector();
  }

  @Override
  public void create(Path target, DiskSpec spec) {
    VhdxCreator.create(target, spec);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A log that needs replaying is replayed in memory; the file is never written. Reads of
   * large ranges go straight from the file into the caller's buffer.
   */
  @Override
  public SeekableByteChannel openVirtualDisk(Path image) {
    return VhdxDisks.open(image);
  }

  /** {@inheritDoc} Dynamic and fixed disks; a differencing disk has its parent's size. */
  @Override
  public void resize(Path image, long newVirtualSize) {
    VhdxResizer.resize(image, newVirtualSize);
  }

  @Override
  public void reconnectParent(Path image, Path parent, boolean force) {
    VhdxReconnector.reconnect(image, parent, force);
  }
}
