package io.stowage.app.disk;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.SafetyFinding;
import io.stowage.api.disk.StreamInspector;
import io.stowage.app.plugin.Contribution;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inspects an image as it streams to a store, in the same pass: the first bytes pick the format,
 * that format's {@link StreamInspector} sees every byte, and at the end of the stream the
 * verdict is in. When no format claims the first bytes, the formats that recognise images by
 * their last bytes (legacy fixed VHD) inspect the stream on speculation, and the tail decides.
 * An unsafe image makes the stream fail just before its end, so the store keeps nothing;
 * {@link #refusal()} then says why. Memory: the probe buffers plus whatever the inspectors hold
 * (bounded by their contract). Not thread-safe: one reader.
 */
public final class InspectingInputStream extends FilterInputStream {
  private final DiskFormats formats;
  private final boolean allowUnsafe;
  private final ByteBuffer head;
  private final byte[] tail;
  private final Map<Contribution<DiskFormat>, StreamInspector> inspectors = new LinkedHashMap<>();
  private final Map<Contribution<DiskFormat>, String> broken = new LinkedHashMap<>();
  private boolean byHead;
  private List<Contribution<DiskFormat>> weak = List.of();
  private boolean probed;
  private long total;
  private DiskInfo result;
  private String refusal;

  public InspectingInputStream(InputStream in, DiskFormats formats, boolean allowUnsafe) {
    super(in);
    this.formats = formats;
    this.allowUnsafe = allowUnsafe;
    this.head = ByteBuffer.allocate(formats.probeLength());
    this.tail = new byte[formats.tailProbeLength()];
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      take(b, off, n);
    } else if (n < 0) {
      finish();
      if (refusal != null) {
        throw new IOException(refusal);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] sink = new byte[(int) Math.min(n, 64 * 1024)];
    int read = read(sink, 0, sink.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void take(byte[] b, int off, int n) {
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
    List<Contribution<DiskFormat>> matches = formats.probe(head);
    if (matches.size() > 1) {
      result = formats.ambiguous(matches);
      return;
    }
    byHead = matches.size() == 1 && !DiskFormats.isRaw(matches.get(0));
    // A raw disk's partition table may be a fixed VHD's first bytes: the tail decides.
    weak = byHead ? List.of() : matches;
    List<Contribution<DiskFormat>> inspect = new ArrayList<>(byHead ? matches : formats.tailProbing());
    inspect.addAll(weak);
    for (Contribution<DiskFormat> format : inspect) {
      inspectors.put(format, format.call(() -> format.extension().streamInspector()));
    }
    feed(head);
  }

  private void feed(ByteBuffer bytes) {
    if (result != null || !bytes.hasRemaining()) {
      return;
    }
    for (Map.Entry<Contribution<DiskFormat>, StreamInspector> e : inspectors.entrySet()) {
      if (!broken.containsKey(e.getKey())) {
        try {
          e.getValue().update(bytes.duplicate());
        } catch (InvalidImageDataException failure) {
          broken.put(e.getKey(), failure.getMessage());
        }
      }
    }
  }

  private void finish() {
    if (result == null) {
      if (!probed) {
        probe();
      }
      if (result == null) {
        result = verdict();
      }
    }
    if (!result.isSafe() && !allowUnsafe && refusal == null) {
      SafetyFinding first = result.safety().get(0);
      refusal = "the " + result.format() + " image is unsafe (" + first.check() + ": "
          + first.message() + ")";
    }
  }

  private DiskInfo verdict() {
    List<Contribution<DiskFormat>> chosen = new ArrayList<>(inspectors.keySet());
    if (!byHead) {
      int n = (int) Math.min(tail.length, total);
      chosen = formats.probeTail(ByteBuffer.wrap(tail, tail.length - n, n).slice());
      if (chosen.size() > 1) {
        return formats.ambiguous(chosen);
      }
      if (chosen.isEmpty()) {
        chosen = weak;
      }
    }
    if (chosen.isEmpty()) {
      return new DiskInfo(DiskFormats.RAW, total, Map.of(), List.of());
    }
    Contribution<DiskFormat> format = chosen.get(0);
    String name = DiskFormats.nameOf(format);
    if (broken.containsKey(format)) {
      return DiskFormats.corrupt(name, broken.get(format));
    }
    try {
      return inspectors.get(format).finish(total);
    } catch (InvalidImageDataException e) {
      return DiskFormats.corrupt(name, e.getMessage());
    }
  }

  /** What inspection found, once the stream has been read to its end. */
  public Optional<DiskInfo> result() {
    return Optional.ofNullable(result);
  }

  /** Why the image was refused, if it was. */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }
}
