package io.stowage.vhdx;


import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.SafetyFinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An opened, validated VHDX file: its layout, its BAT and its log, replayed in memory. */
final class VhdxImage {
  final Source raw;
  final Source source;
  final VhdxLayout layout;
  final LogReplay.Result log;
  final BatScan.Stats stats;

  private VhdxImage(Source raw, Source source, VhdxLayout layout, LogReplay.Result log,
      BatScan.Stats stats) {
    this.raw = raw;
    this.source = source;
    this.layout = layout;
    this.log = log;
    this.stats = stats;
  }

  /**
   * Opens and fully validates the file.
   *
   * @throws InvalidImageDataException the file is damaged
   */
  static VhdxImage open(Source raw) {
    try {
      VhdxParser.Current cur = VhdxParser.headers(raw);
      LogReplay.Result log = LogReplay.replay(raw, cur.header());
      Source src = log.replayed().<Source>map(o -> o).orElse(raw);
      VhdxLayout layout = VhdxParser.layout(src, cur);
      BatScan.Stats stats = BatScan.scan(src, layout, new Bat(src, layout));
      return new VhdxImage(raw, src, layout, log, stats);
    } catch (RuntimeException e) {
      if (e instanceof io.stowage.api.StowageException) {
        throw e;
      }
      // A check this parser lacks must still surface as damage, not as a crash.
      throw new InvalidImageDataException("damaged VHDX: " + e, e);
    }
  }

  Bat bat() {
    return new Bat(source, layout);
  }

  String type() {
    return layout.hasParent() ? "differencing" : layout.leaveBlocksAllocated() ? "fixed" : "dynamic";
  }

  String logState() {
    if (layout.header().logGuid().isZero()) {
      return "clean";
    }
    return log.entries() == 0 ? "empty" : "replay_needed";
  }

  DiskInfo info() {
    VhdxLayout l = layout;
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", type());
    d.put("block_size", l.blockSize());
    d.put("logical_sector_size", l.logicalSectorSize());
    d.put("physical_sector_size", l.physicalSectorSize());
    d.put("disk_id", l.diskId().toString());
    d.put("data_write_guid", l.header().dataWriteGuid().toString());
    d.put("file_write_guid", l.header().fileWriteGuid().toString());
    d.put("log_state", logState());
    d.put("log_size", l.header().logLength());
    d.put("log_entries", log.entries());
    d.put("metadata_size", l.metadataLength());
    d.put("data_blocks", l.dataBlocks());
    d.put("allocated_blocks", stats.allocatedBlocks());
    d.put("zero_blocks", stats.zeroBlocks());
    d.put("partially_present_blocks", stats.partialBlocks());
    d.put("sector_bitmap_blocks", stats.bitmapBlocks());
    d.put("file_size", l.fileSize());
    if (!l.hasParent()) {
      d.put(
          "max_virtual_size_for_file_size",
          VhdxSizing.maxVirtualSize(
              l.fileSize(),
              l.blockSize(),
              l.logicalSectorSize(),
              l.header().logLength(),
              l.metadataLength(),
              false));
    }
    l.parentLocator().ifPresent(p -> d.put("parent_locator", new LinkedHashMap<>(p.entries())));
    List<SafetyFinding> safety = new ArrayList<>();
    l.parentLocator()
        .ifPresent(
            p ->
                safety.add(
                    new SafetyFinding(
                        "parent_reference",
                        "differencing disk whose guest data comes partly from parent "
                            + p.entries().getOrDefault("parent_linkage", "(no linkage)")
                            + " at "
                            + p.entries()
                                .getOrDefault(
                                    "relative_path",
                                    p.entries().getOrDefault("absolute_win32_path", "?")))));
    if (log.entries() > 0) {
      safety.add(
          new SafetyFinding(
              "log_replay_needed",
              "the log holds " + log.entries() + " entries not yet written into the file"));
    }
    return new DiskInfo("vhdx", l.virtualSize(), d, safety);
  }
}
