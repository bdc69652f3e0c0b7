package io.stowage.vhdx;


import io.stowage.api.InvalidRequestException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points a differencing disk at its parent's new path. The new locator is written to free
 * space in the metadata region first; then the table entry (inside one sector) is switched to
 * it, so a crash leaves the old or the new locator.
 */
final class VhdxReconnector {
  private VhdxReconnector() {}

  static void reconnect(Path child, Path parent, boolean force) {
    VhdxImage p;
    try (FileChannel pc = VhdxDisks.openFile(parent)) {
      p = VhdxImage.open(new ChannelSource(pc));
    } catch (IOException e) {
      throw AtomicFile.failure("cannot read " + parent, e);
    }
    try (VhdxEditor ed = VhdxEditor.open(child)) {
      VhdxLayout l = ed.image.layout;
      ParentLocator old = l.parentLocator()
          .orElseThrow(() -> new InvalidRequestException(child + " is not a differencing disk"));
      Guid linkage = ParentPaths.linkage(old);
      Guid actual = p.layout.header().dataWriteGuid();
      if (!actual.equals(linkage) && !force) {
        throw new InvalidRequestException("parent " + parent + " has data-write GUID " + actual
            + " but " + child + " was made from " + linkage + " (force to link it anyway)");
      }
      if (p.layout.virtualSize() != l.virtualSize()
          || p.layout.logicalSectorSize() != l.logicalSectorSize()) {
        throw new InvalidRequestException(
            "parent " + parent + " differs from " + child + " in virtual size or sector size");
      }
      ParentLocator fresh = ParentPaths.locator(child, parent, actual);
      Map<String, String> entries = new LinkedHashMap<>(fresh.entries());
      old.entries().forEach((k, v) -> {
        if (!k.equals(ParentPaths.VOLUME)) {
          entries.putIfAbsent(k, v);
        }
      });
      ByteBuffer item = new ParentLocator(entries).encode();
      VhdxLayout.ItemPlace place = l.metadataItems().get(VhdxLayout.PARENT_LOCATOR);
      long at = freeSpace(l, item.capacity());
      ed.bumpHeader();
      ed.write(item, l.metadataOffset() + at);
      ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      e.putInt(0, (int) at).putInt(4, item.capacity());
      ed.write(e, l.metadataOffset() + 32 + 32L * place.index() + 16);
    }
  }

  /** A 4 KiB-aligned offset in the metadata region where {@code length} bytes are unused. */
  private static long freeSpace(VhdxLayout l, long length) {
    long at = 64 * 1024;
    while (at + length <= l.metadataLength()) {
      long clash = -1;
      for (VhdxLayout.ItemPlace i : l.metadataItems().values()) {
        if (at < i.offset() + i.length() && i.offset() < at + length) {
          clash = Math.max(clash, i.offset() + i.length());
        }
      }
      if (clash < 0) {
        return at;
      }
      at = VhdxLayout.roundUp(clash, 4096);
    }
    throw new InvalidRequestException("no room in the metadata region for a new parent locator");
  }
}
