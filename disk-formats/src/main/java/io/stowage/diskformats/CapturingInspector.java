package io.stowage.diskformats;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.disk.StreamInspector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One-pass inspection for a {@link HeaderFormat}: keeps the stream's first bytes (as many as the
 * format asks for once it has seen its prefix, at most {@link #MAX_HEAD}) and its last bytes in
 * a ring, and parses them when the stream ends.
 */
final class CapturingInspector implements StreamInspector {
  /** The most first bytes kept: a LUKS2 header (4 MiB) and a qcow2 cluster (2 MiB) fit. */
  static final int MAX_HEAD = 8 << 20;
  private final HeaderFormat format;
  private byte[] head;
  private int headFilled;
  private boolean planned;
  private final byte[] tail;
  private long position;
  private String refusal;

  CapturingInspector(HeaderFormat format) {
    this.format = format;
    this.head = new byte[format.prefixLength()];
    this.tail = new byte[format.tailLength()];
  }

  @Override
  public void update(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      if (headFilled < head.length) {
        int n = Math.min(bytes.remaining(), head.length - headFilled);
        bytes.get(head, headFilled, n);
        keepTail(head, headFilled, n);
        headFilled += n;
        position += n;
        if (!planned && headFilled == head.length) {
          plan();
        }
      } else {
        int n = bytes.remaining();
        if (tail.length > 0) {
          byte[] chunk = new byte[Math.min(n, tail.length)];
          bytes.position(bytes.position() + n - chunk.length);
          bytes.get(chunk);
          keepTail(chunk, 0, chunk.length);
        } else {
          bytes.position(bytes.limit());
        }
        position += n;
      }
    }
  }

  private void plan() {
    planned = true;
    long wanted = format.headLength(ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN));
    if (wanted > MAX_HEAD) {
      refusal = "its metadata (" + wanted + " bytes at the start) exceed the " + (MAX_HEAD >> 20)
          + " MiB a one-pass inspection keeps";
    } else if (wanted > head.length) {
      head = Arrays.copyOf(head, (int) wanted);
    }
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

  @Override
  public DiskInfo finish(long totalSize) {
    if (totalSize != position) {
      throw new InvalidImageDataException(
          "the stream had " + position + " bytes, not the " + totalSize + " announced");
    }
    if (refusal != null) {
      throw new InvalidImageDataException("cannot inspect this " + format.name() + " stream: "
          + refusal);
    }
    if (!planned) {
      plan();
    }
    int t = (int) Math.min(tail.length, position);
    byte[] last = Arrays.copyOfRange(tail, tail.length - t, tail.length);
    return format.parse(new CapturedBytes(Arrays.copyOf(head, headFilled), last, position));
  }
}
