package io.stowage.vhdx;


import io.stowage.api.disk.DiskSpec;
import io.stowage.api.InvalidRequestException;
import static io.stowage.vhdx.VhdxLayout.MIB;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Makes new VHDX files laid out as qemu lays them: header section, log, BAT, metadata, then
 * payload blocks. Fixed disks get every block allocated (zero-filled) and marked present.
 */
final class VhdxCreator {
  private static final String CREATOR = "Stowage hyperv-vhdx";

  private VhdxCreator() {}

  /** What a new file is made of, resolved from a spec. */
  record Plan(
      long virtualSize,
      long blockSize,
      int logicalSectorSize,
      int physicalSectorSize,
      long logSize,
      boolean fixed,
      Optional<ParentLocator> locator) {}

  static void create(Path target, DiskSpec spec) {
    int lss = spec.logicalSectorSize().orElse(512);
    int pss = spec.physicalSectorSize().orElse(lss);
    long logSize = spec.logSize().orElse(MIB);
    OptionalLong bs = spec.blockSize();
    long virtualSize = spec.virtualSize();
    Optional<ParentLocator> locator = Optional.empty();
    if (spec.parent().isPresent()) {
      Path parent = spec.parent().get();
      VhdxImage p;
      try (var ch = VhdxDisks.openFile(parent)) {
        p = VhdxImage.open(new ChannelSource(ch));
      } catch (java.io.IOException e) {
        throw new io.stowage.api.StoreIOException("cannot read " + parent, e);
      }
      if (virtualSize == 0) {
        virtualSize = p.layout.virtualSize();
      } else if (virtualSize != p.layout.virtualSize()) {
        throw new InvalidRequestException(
            "a differencing disk has its parent's size, " + p.layout.virtualSize() + " bytes");
      }
      lss = spec.logicalSectorSize().orElse(p.layout.logicalSectorSize());
      if (lss != p.layout.logicalSectorSize()) {
        throw new InvalidRequestException(
            "the parent's logical sector size is " + p.layout.logicalSectorSize());
      }
      pss = spec.physicalSectorSize().orElse(p.layout.physicalSectorSize());
      if (bs.isEmpty()) {
        bs = OptionalLong.of(p.layout.blockSize());
      }
      locator = Optional.of(
          ParentPaths.locator(target, parent, p.layout.header().dataWriteGuid()));
    }
    long blockSize = bs.orElse(defaultBlockSize(virtualSize));
    validate(virtualSize, blockSize, lss, pss, logSize);
    Plan plan = new Plan(virtualSize, blockSize, lss, pss, logSize, spec.fixed(), locator);
    AtomicFile.write(target, ch -> VhdxWriter.write(ch, plan));
  }

  static long defaultBlockSize(long virtualSize) {
    if (virtualSize > (32L << 40)) {
      return 64 * MIB;
    }
    if (virtualSize > (100L << 30)) {
      return 32 * MIB;
    }
    return virtualSize > (1L << 30) ? 16 * MIB : 8 * MIB;
  }

  private static void validate(long virtualSize, long bs, int lss, int pss, long logSize) {
    if (bs < MIB || bs > 256 * MIB || Long.bitCount(bs) != 1) {
      throw new InvalidRequestException(
          "block size " + bs + " is not a power of two from 1 MiB to 256 MiB");
    }
    if (lss != 512 && lss != 4096) {
      throw new InvalidRequestException("logical sector size " + lss + " is not 512 or 4096");
    }
    if (pss != 512 && pss != 4096) {
      throw new InvalidRequestException("physical sector size " + pss + " is not 512 or 4096");
    }
    if (virtualSize <= 0 || virtualSize > VhdxLayout.MAX_VIRTUAL_SIZE || virtualSize % lss != 0) {
      throw new InvalidRequestException(
          "virtual size " + virtualSize + " is not a positive multiple of " + lss
              + " up to 64 TiB");
    }
    if (logSize < MIB || logSize % MIB != 0 || logSize > (1L << 32) - MIB) {
      throw new InvalidRequestException(
          "log size " + logSize + " is not a whole number of MiB below 4 GiB");
    }
  }

  static ByteBuffer fileIdentifier() {
    ByteBuffer b = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, "vhdxfile".getBytes(StandardCharsets.US_ASCII));
    b.put(8, CREATOR.getBytes(StandardCharsets.UTF_16LE));
    return b;
  }
}
