package io.stowage.filesystem;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an add's blocks go when the folder's file system takes direct I/O: blocks are copied
 * into aligned buffers of {@link IoBuffers#SIZE} on the add's thread, and each full buffer is
 * written with {@code O_DIRECT} in one call on another thread, while the add's thread goes on
 * reading.
 *
 * <p>Why: a write through the page cache makes the kernel copy every byte into a page-cache page
 * it has just allocated, which on the benchmark VM cost 1.5–3.5 s of CPU per GiB (a first touch
 * of fresh guest memory) — more than receiving the bytes and both digests' slower lane — and a
 * durable add then writes those pages out anyway. A direct write hands the buffer to the disk
 * without that copy. Writing on a thread of its own keeps the disk's latency off the add's
 * thread, which would otherwise wait for each block before reading the next.
 *
 * <p>An add starts with {@link #DEPTH} buffers and, while the disk is behind (every buffer is
 * queued or being written when the next is needed), borrows spares from {@link IoBuffers} up to
 * {@link #MOST}. Why: the benchmark VM's disk writes 1 GB/s on average but stalls for 0.2–0.3 s
 * about once a second; with three buffers each stall stopped the upload (the add's thread, then
 * both digests, then the sender) and cost a 1 GiB upload a tenth of its time. The page cache
 * absorbs such stalls for a write through it; this is the same, bounded.
 *
 * <p>A durable add also flushes the file every {@link Flusher#STEP} bytes on the writing thread:
 * a direct write is done when the disk has accepted it, and a virtual disk may keep it in a cache
 * of its own; on the benchmark VM the one {@code fdatasync} at the end of 1 GiB written direct
 * took 0.4–0.9 s, the last 0.2 s of an upload, and flushes along the way leave it next to nothing
 * for the same total.
 *
 * <p>Positions are kept as the blocks say; a write that starts at an aligned position goes
 * direct for its aligned length, and what remains of it (only ever the stream's last bytes, or
 * chunks smaller than a file system block with thin provisioning) goes through the ordinary
 * descriptor. With thin provisioning all-zero chunks are skipped, as {@link FileSink} does.
 *
 * <p>The descriptor opened here is a second one on the add's temporary file: closing it drops
 * every {@code fcntl} lock this process holds on that file, including the one that tells other
 * processes the file is in use, so {@link #close} must come after the commit or the discard.
 *
 * <p>Progress: {@code write} returns once the block is copied into a buffer, so the buffers the
 * add holds (at most {@link #MOST}) may not yet be in the file when progress is reported.
 * Not thread-safe: the add's thread calls {@code write}, {@code finish} and {@code close}.
 */
final class DirectSink implements StoreSink {
  private static final Logger LOG = LoggerFactory.getLogger(DirectSink.class);

  /** Buffers an add starts with: one being filled, one being written, one queued. */
  static final int DEPTH = 3;

  /** Most buffers an add holds, spares included (128 MiB): a quarter second of an upload. */
  static final int MOST = 32;

  private static final Piece END = new Piece(ByteBuffer.allocate(0), -1);

  private record Piece(ByteBuffer buffer, long position) {}

  private final FileChannel direct;
  private final FileChannel buffered;
  private final int alignment;
  private final int chunkSize;
  private final boolean thin;
  private final boolean durable;
  private final ByteBuffer zeros;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(MOST);
  private final BlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** The buffer {@code write} is copying into, not yet queued; its first byte's position. */
  private ByteBuffer filling;
  private long fillingAt;
  private int allocated;
  /** How many buffers this add may have: {@link #DEPTH}, fewer once direct memory ran short. */
  private int depth = DEPTH;
  /** How many of the buffers are spares, borrowed from {@link IoBuffers#takeSpare}. */
  private int spares;
  private boolean ended;
  private volatile boolean abandoned;
  private volatile IOException failure;
  /** The writer's: bytes written, and written when it last flushed. */
  private long written;
  private long flushed;

  private DirectSink(FileChannel direct, FileChannel buffered, int alignment, int chunkSize,
      boolean thin, boolean durable, ByteBuffer firstBuffer) {
    this.free.add(firstBuffer);
    this.allocated = 1;
    this.direct = direct;
    this.buffered = buffered;
    this.alignment = alignment;
    this.chunkSize = chunkSize;
    this.thin = thin;
    this.durable = durable;
    this.zeros = thin ? ByteBuffer.allocate(chunkSize) : ByteBuffer.allocate(0);
  }

  /**
   * A sink writing {@code file} (already open as {@code buffered}) directly, its writes run on
   * {@code executor}, flushing along the way if {@code durable}; empty when the file system
   * refuses {@code O_DIRECT} or needs an alignment the buffers do not have (the caller then
   * writes through the page cache).
   *
   * @throws java.util.concurrent.RejectedExecutionException the executor is shut down
   */
  static Optional<DirectSink> open(Path file, FileChannel buffered, int chunkSize, boolean thin,
      boolean durable, Executor executor) {
    long alignment;
    FileChannel direct;
    try {
      alignment = Files.getFileStore(file).getBlockSize();
      if (alignment <= 0 || IoBuffers.ALIGNMENT % alignment != 0) {
        LOG.debug("{}: block size {} does not divide {}: writing through the page cache",
            file, alignment, IoBuffers.ALIGNMENT);
        return Optional.empty();
      }
      direct = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("{}: no direct I/O ({}): writing through the page cache", file, e.toString());
      return Optional.empty();
    }
    Optional<ByteBuffer> first = IoBuffers.take();
    if (first.isEmpty()) {
      LOG.debug("{}: no direct memory for a buffer: writing through the page cache", file);
      closeQuietly(direct);
      return Optional.empty();
    }
    DirectSink sink = new DirectSink(direct, buffered, (int) alignment, chunkSize, thin, durable,
        first.get());
    try {
      executor.execute(sink::run);
    } catch (RuntimeException e) {
      closeQuietly(direct);
      IoBuffers.give(first.get());
      throw e;
    }
    return Optional.of(sink);
  }

  @Override
  public void write(ByteBuffer block, long position) throws IOException {
    rethrow();
    if (!thin) {
      send(block, position);
      return;
    }
    // Runs of chunks that are not all zeros, each sent as one.
    int start = block.position();
    int length = block.remaining();
    int run = -1;
    for (int off = 0; off < length; off += chunkSize) {
      int len = Math.min(chunkSize, length - off);
      boolean zero = block.slice(start + off, len).mismatch(zeros.slice(0, len)) == -1;
      if (!zero && run < 0) {
        run = off;
      } else if (zero && run >= 0) {
        send(block.slice(start + run, off - run), position + run);
        run = -1;
      }
    }
    if (run >= 0) {
      send(block.slice(start + run, length - run), position + run);
    }
  }

  // Copies the bytes into the buffer being filled, queueing each buffer once it is full (or when
  // the next bytes do not follow on, after a skipped chunk): the disk gets few, large writes.
  private void send(ByteBuffer bytes, long position) throws IOException {
    if (filling != null && fillingAt + filling.position() != position) {
      queueFilling();
    }
    ByteBuffer source = bytes.duplicate();
    long at = position;
    while (source.hasRemaining()) {
      if (filling == null) {
        filling = takeBuffer();
        fillingAt = at;
      }
      int n = Math.min(filling.remaining(), source.remaining());
      filling.put(filling.position(), source, source.position(), n);
      filling.position(filling.position() + n);
      source.position(source.position() + n);
      at += n;
      if (!filling.hasRemaining()) {
        queueFilling();
      }
    }
  }

  private void queueFilling() {
    queue.add(new Piece(filling.flip(), fillingAt));
    filling = null;
  }

  private ByteBuffer takeBuffer() throws IOException {
    ByteBuffer b = free.poll();
    if (b == null) {
      b = newBuffer().orElse(null);
    }
    try {
      b = b != null ? b : free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the disk");
    }
    rethrow();
    return b.clear();
  }

  // One more buffer, when all of this add's are in use: its own first ones, then spares.
  private Optional<ByteBuffer> newBuffer() {
    if (allocated < depth) {
      Optional<ByteBuffer> fresh = IoBuffers.take();
      if (fresh.isPresent()) {
        allocated++;
        return fresh;
      }
      // No direct memory to spare: the add goes on with the buffers it has (at least one, from
      // open) and does not ask again (each refusal costs the JVM a garbage collection and sleeps).
      depth = allocated;
      return Optional.empty();
    }
    if (depth == DEPTH && allocated + spares < MOST) {
      Optional<ByteBuffer> spare = IoBuffers.takeSpare();
      if (spare.isPresent()) {
        spares++;
      }
      return spare;
    }
    return Optional.empty();
  }

  @Override
  public void finish() throws IOException {
    rethrow();
    if (filling != null) {
      queueFilling();
    }
    end();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the disk");
    }
    rethrow();
  }

  /** Stops the writes (waiting for the one under way), returns the buffers, closes the descriptor. */
  @Override
  public void close() {
    abandoned = true; // what is still queued (after a failure or an interrupt) is not written
    if (!ended) {
      end();
    }
    boolean interrupted = false;
    while (true) {
      try {
        stopped.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (filling != null) {
      free.add(filling);
      filling = null;
    }
    // Every buffer is back in the free queue now that the writer has stopped.
    for (ByteBuffer b; (b = free.poll()) != null; ) {
      if (spares > 0) {
        spares--;
        IoBuffers.giveSpare(b);
      } else {
        IoBuffers.give(b);
      }
    }
    closeQuietly(direct);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void end() {
    ended = true;
    queue.add(END);
  }

  private void rethrow() throws IOException {
    IOException e = failure;
    if (e != null) {
      throw e;
    }
  }

  // The writer: in order, until END; after a failure it only hands buffers back.
  private void run() {
    try {
      while (true) {
        Piece piece = queue.take();
        if (piece == END) {
          return;
        }
        try {
          if (failure == null && !abandoned) {
            writePiece(piece);
            flushIfDue();
          }
        } catch (IOException e) {
          failure = e;
        } catch (RuntimeException | Error e) {
          failure = new IOException("writing the image failed: " + e, e);
        } finally {
          free.add(piece.buffer());
        }
      }
    } catch (InterruptedException e) {
      failure = new InterruptedIOException("the write of the image was interrupted");
    } finally {
      stopped.countDown();
    }
  }

  private void flushIfDue() throws IOException {
    if (durable && written - flushed >= Flusher.STEP) {
      direct.force(false);
      flushed = written;
    }
  }

  private void writePiece(Piece piece) throws IOException {
    ByteBuffer b = piece.buffer();
    int length = b.remaining();
    written += length;
    int aligned = piece.position() % alignment == 0 ? length - length % alignment : 0;
    if (aligned > 0) {
      b.limit(aligned);
      writeFully(direct, b, piece.position());
      b.limit(length);
    }
    if (b.hasRemaining()) {
      writeFully(buffered, b, piece.position() + aligned);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += out.write(buffer, at);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing failed", e);
    }
  }
}
