package io.stowage.app.disk;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.StreamInspector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inspects an image as it streams past, in the same pass as it is stored: the first bytes pick
 * the format, that format's {@link StreamInspector} sees every byte, and {@link #finish} gives
 * the verdict. When no format claims the first bytes, the formats that recognise images by their
 * last bytes (legacy fixed VHD) inspect the stream on speculation, and the tail decides. Memory:
 * the probe buffers plus what the inspectors hold (bounded by their contract). Not thread-safe:
 * one stream.
 */
public final class StreamInspection {
  private final DiskFormats formats;
  private final ByteBuffer head;
  private final byte[] tail;
  private final Map<DiskFormat, StreamInspector> inspectors = new LinkedHashMap<>();
  private final Map<DiskFormat, String> broken = new LinkedHashMap<>();
  private final List<DiskFormat> weak = new ArrayList<>();
  private boolean byHead;
  private boolean probed;
  private long total;
  private Inspection ambiguous;

  StreamInspection(DiskFormats formats) {
    this.formats = formats;
    this.head = ByteBuffer.allocate(formats.probeLength());
    this.tail = new byte[formats.tailProbeLength()];
  }

  /** Takes the next {@code n} bytes of the stream. */
  public void update(byte[] b, int off, int n) {
    total += n;
    keepTail(b, off, n);
    if (!probed) {
      int room = Math.min(head.remaining(), n);
      head.put(b, off, room);
      if (head.hasRemaining()) {
        return;
      }
      probe();
      off += room;
      n -= room;
    }
    feed(ByteBuffer.wrap(b, off, n));
  }

  /** Ends the stream: what the image is. Call once. */
  public Inspection finish() {
    if (!probed) {
      probe();
    }
    return ambiguous != null ? ambiguous : verdict();
  }

  private void keepTail(byte[] b, int off, int n) {
    if (tail.length == 0) {
      return;
    }
    if (n >= tail.length) {
      System.arraycopy(b, off + n - tail.length, tail, 0, tail.length);
    } else {
      System.arraycopy(tail, n, tail, 0, tail.length - n);
      System.arraycopy(b, off, tail, tail.length - n, n);
    }
  }

  private void probe() {
    probed = true;
    head.flip();
    List<DiskFormat> matches = formats.probe(head);
    if (matches.size() > 1) {
      ambiguous = DiskFormats.ambiguous(matches);
      return;
    }
    byHead = matches.size() == 1 && !DiskFormats.isRaw(matches.get(0));
    // A partition table alone is a weak claim: the tail may still say fixed VHD.
    weak.addAll(byHead ? List.of() : matches);
    List<DiskFormat> candidates = new ArrayList<>(byHead ? matches : formats.tailProbing());
    candidates.addAll(weak);
    for (DiskFormat format : candidates) {
      inspectors.put(format, format.streamInspector());
    }
    feed(head);
  }

  private void feed(ByteBuffer bytes) {
    if (ambiguous != null || !bytes.hasRemaining()) {
      return;
    }
    for (Map.Entry<DiskFormat, StreamInspector> e : inspectors.entrySet()) {
      if (!broken.containsKey(e.getKey())) {
        try {
          e.getValue().update(bytes.duplicate());
        } catch (InvalidImageDataException failure) {
          broken.put(e.getKey(), failure.getMessage());
        }
      }
    }
  }

  private Inspection verdict() {
    List<DiskFormat> chosen = new ArrayList<>(inspectors.keySet());
    if (!byHead) {
      int n = (int) Math.min(tail.length, total);
      chosen = formats.probeTail(ByteBuffer.wrap(tail, tail.length - n, n).slice());
      if (chosen.size() > 1) {
        return DiskFormats.ambiguous(chosen);
      }
      if (chosen.isEmpty()) {
        chosen = weak;
      }
    }
    if (chosen.isEmpty()) {
      return new Inspection.Recognised(new DiskInfo(DiskFormats.RAW, total, Map.of(), List.of()));
    }
    DiskFormat format = chosen.get(0);
    if (broken.containsKey(format)) {
      return new Inspection.Corrupt(format.name(), broken.get(format));
    }
    try {
      return new Inspection.Recognised(inspectors.get(format).finish(total));
    } catch (InvalidImageDataException e) {
      return new Inspection.Corrupt(format.name(), e.getMessage());
    }
  }
}
