package io.stowage.app.server;

import io.stowage.api.ImageData;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * A response body that is a region of a local file (a cache entry, a filesystem store's file),
 * written as the socket takes it, the way an event loop such as nginx's does: as much as the
 * socket buffer holds from the calling worker thread, the rest from the connection's I/O thread
 * whenever the socket is writable again. (A blocking worker parks on every full socket buffer
 * and is woken by the I/O thread: two thread switches per buffer, and a worker held for as long
 * as the client takes to read.)
 *
 * <p>The bytes go through a 256 KiB direct buffer ({@code pread}, then {@code write}), not
 * {@code sendfile}: measured over loopback on this project's machine (docs/benchmarks.md,
 * "Session 9"), {@code sendfile}'s page-by-page socket buffers cost the sender and the receiver
 * together about 1.25 s of CPU per GiB, the copy about 0.8 s, and the copy sends a GiB in ≈ 0.4 s
 * against ≈ 0.65 s; buffers of 64 KiB were slower, 1–4 MiB no faster.
 *
 * <p>The exchange ends when the last byte is out. The {@link ImageData} is closed exactly once:
 * then, or when a write fails (the client went away: the connection is closed), or when the
 * connection closes first (write timeout, server stop). Not thread-safe: XNIO runs one listener
 * of a channel at a time, and the first run, on the worker, ends before the I/O thread's.
 */
final class FileRegionSend implements ChannelListener<StreamSinkChannel> {
  private static final Logger LOG = LoggerFactory.getLogger(FileRegionSend.class);
  static final int BUFFER_SIZE = 256 * 1024;
  /** Buffers of finished sends, for the next ones (direct memory is freed only by the GC). */
  private static final ArrayBlockingQueue<ByteBuffer> SPARE_BUFFERS = new ArrayBlockingQueue<>(16);
  private static final AttachmentKey<InFlight> IN_FLIGHT = AttachmentKey.create(InFlight.class);

  private final HttpServerExchange exchange;
  private final StreamSinkChannel out;
  private final ImageData data;
  private final FileChannel file;
  private final long end;
  private final AtomicBoolean released = new AtomicBoolean();
  private final InFlight inFlight;
  private ByteBuffer buffer;
  private long position;
  private boolean shutdown;

  private FileRegionSend(HttpServerExchange exchange, ImageData data, ImageData.FileRegion region,
      InFlight inFlight) {
    this.exchange = exchange;
    this.out = exchange.getResponseChannel();
    this.data = data;
    this.file = region.file();
    this.position = region.position();
    this.end = region.position() + region.count();
    this.inFlight = inFlight;
  }

  /**
   * Starts sending {@code region} of {@code data} as the body of the exchange (status and headers
   * set) and takes {@code data} over, even if this throws: the caller must not close it. Returns
   * at once, with the body sent or being sent from the I/O thread.
   */
  static void start(HttpServerExchange exchange, ImageData data, ImageData.FileRegion region) {
    FileRegionSend send;
    try {
      send = new FileRegionSend(exchange, data, region, InFlight.of(exchange));
    } catch (RuntimeException e) {
      data.close();
      throw e;
    }
    send.inFlight.send = send;
    send.handleEvent(send.out);
  }

  @Override
  public void handleEvent(StreamSinkChannel channel) {
    try {
      if (pump()) {
        out.suspendWrites();
        out.getWriteSetter().set(null);
        release(true);
        exchange.endExchange();
      } else {
        out.getWriteSetter().set(this);
        out.resumeWrites();
      }
    } catch (IOException | RuntimeException e) {
      // The status line is out: all a client can be told is that the body stopped short.
      LOG.debug("sending image data stopped after {} bytes: {}", position, e.toString());
      out.getWriteSetter().set(null);
      release(true);
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  /** Writes what the socket takes now; true when the whole body is out. */
  private boolean pump() throws IOException {
    if (buffer == null) {
      buffer = SPARE_BUFFERS.poll();
      if (buffer == null) {
        buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
      }
      buffer.limit(0);
    }
    while (position < end || buffer.hasRemaining()) {
      if (!buffer.hasRemaining()) {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), end - position));
        if (file.read(buffer, position) <= 0) {
          throw new IOException("the image file was truncated while it was being sent");
        }
        position += buffer.position();
        buffer.flip();
      }
      if (out.write(buffer) == 0) {
        return false;
      }
    }
    if (!shutdown) {
      out.shutdownWrites();
      shutdown = true;
    }
    return out.flush();
  }

  /**
   * Closes the data, once. {@code ownThread}: called by the send itself (not by the connection's
   * close listener, which may run while the worker still writes from the buffer), so the buffer
   * may go back for reuse.
   */
  private void release(boolean ownThread) {
    if (released.compareAndSet(false, true)) {
      if (inFlight.send == this) {
        inFlight.send = null;
      }
      data.close();
      if (ownThread && buffer != null) {
        SPARE_BUFFERS.offer(buffer);
        buffer = null;
      }
    }
  }

  /** The send in progress on a connection (HTTP/1.1: one at a time), released if it closes. */
  private static final class InFlight {
    volatile FileRegionSend send;

    /** The connection's, made once: a close listener per request would pile up on keep-alive. */
    static InFlight of(HttpServerExchange exchange) {
      InFlight inFlight = exchange.getConnection().getAttachment(IN_FLIGHT);
      if (inFlight == null) {
        InFlight created = new InFlight();
        exchange.getConnection().putAttachment(IN_FLIGHT, created);
        exchange.getConnection().addCloseListener(connection -> {
          FileRegionSend s = created.send;
          if (s != null) {
            s.release(false);
          }
        });
        inFlight = created;
      }
      return inFlight;
    }
  }
}
