package io.stowage.filesystem;


import io.stowage.api.store.AddRequest;
import io.stowage.api.DataStreamException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;

/**
 * Copies an add's data stream into a file while md5 and the multihash are computed on two other
 * threads: the add's thread reads a block, hands it to both digest lanes, writes it, and reads
 * the next, with up to {@value #DEPTH} blocks in flight. Stream, size and cap problems are
 * thrown as SPI errors; file system failures come out as {@link IOException}s for the caller to
 * classify.
 */
final class ImageWriter {
  /** Blocks in flight per add: enough for the slowest digest to never starve the others. */
  static final int DEPTH = 4;

  private static final int TARGET_BLOCK = 1 << 20;

  private final int chunkSize;
  private final int blockSize;
  private final boolean thin;
  private final Executor hashers;
  private final byte[] zeros;

  /** What was written. */
  record Written(long size, byte[] md5, byte[] multihash) {}

  ImageWriter(int chunkSize, boolean thin, Executor hashers) {
    this.chunkSize = chunkSize;
    // Whole chunks per block, about 1 MiB: fewer hand-offs between threads per byte.
    this.blockSize = chunkSize * Math.max(1, TARGET_BLOCK / chunkSize);
    this.thin = thin;
    this.hashers = hashers;
    this.zeros = thin ? new byte[chunkSize] : new byte[0];
  }

  /**
   * Reads {@code request}'s data to its end (or to the first problem) into {@code out} from
   * position 0, reporting progress as blocks are written. With thin provisioning, trailing
   * zero chunks are not written: the caller sets the file's length to {@link Written#size}.
   * When {@code durable}, writeback is started along the way; the caller still makes the
   * final flush.
   *
   * @throws DataStreamException the stream failed
   * @throws SizeMismatchException the stream is longer or shorter than the declared size
   * @throws SizeCapExceededException the stream is longer than the cap
   * @throws IOException writing the file failed
   */
  Written copy(AddRequest request, FileChannel out, boolean durable)
      throws IOException, InterruptedException {
    Flusher flusher = durable ? new Flusher(out, hashers) : null;
    BlockingQueue<Block> pool = new ArrayBlockingQueue<>(DEPTH);
    for (int i = 0; i < DEPTH; i++) {
      pool.add(new Block(blockSize, pool));
    }
    DigestLane md5 = new DigestLane(HashAlgorithm.MD5.newDigest(), hashers);
    DigestLane multihash = new DigestLane(request.hashAlgorithm().newDigest(), hashers);
    boolean done = false;
    try {
      long total = 0;
      boolean reported = false;
      while (true) {
        Block block = pool.take();
        int n = fill(request.data(), block.bytes);
        if (n > 0) {
          total = Math.addExact(total, n);
          checkLimits(request, total);
          block.length = n;
          block.share(3);
          md5.submit(block);
          multihash.submit(block);
          try {
            write(out, block.bytes, n, total - n);
          } finally {
            block.release();
          }
          if (flusher != null) {
            flusher.written(total);
          }
          request.progress().onProgress(total, request.declaredSize());
          reported = true;
        } else {
          pool.add(block);
        }
        if (n < block.bytes.length) {
          break;
        }
      }
      if (request.declaredSize().isPresent() && total != request.declaredSize().getAsLong()) {
        throw new SizeMismatchException(
            "the data had " + total + " bytes but " + request.declaredSize().getAsLong()
                + " were declared");
      }
      if (!reported) {
        request.progress().onProgress(0, request.declaredSize());
      }
      if (flusher != null) {
        flusher.await();
      }
      Written w = new Written(total, md5.finish(), multihash.finish());
      done = true;
      return w;
    } finally {
      if (!done) {
        md5.abandon();
        multihash.abandon();
      }
    }
  }

  private static void checkLimits(AddRequest request, long total) {
    if (total > request.sizeCap()) {
      throw new SizeCapExceededException(
          "the data is larger than the size cap of " + request.sizeCap() + " bytes");
    }
    if (request.declaredSize().isPresent() && total > request.declaredSize().getAsLong()) {
      throw new SizeMismatchException(
          "the data has more than the " + request.declaredSize().getAsLong()
              + " bytes that were declared");
    }
  }

  // Fills the buffer unless the stream ends first; returns the bytes read.
  private static int fill(InputStream in, byte[] buffer) {
    int filled = 0;
    try {
      while (filled < buffer.length) {
        int n = in.read(buffer, filled, buffer.length - filled);
        if (n < 0) {
          break;
        }
        filled += n;
      }
    } catch (IOException e) {
      throw new DataStreamException("reading the image data failed: " + IoFailures.describe(e), e);
    }
    return filled;
  }

  private void write(FileChannel out, byte[] bytes, int length, long position) throws IOException {
    if (!thin) {
      writeFully(out, ByteBuffer.wrap(bytes, 0, length), position);
      return;
    }
    for (int off = 0; off < length; off += chunkSize) {
      int len = Math.min(chunkSize, length - off);
      // An all-zero chunk is skipped: the file gets a hole there, which reads back as zeros.
      if (Arrays.mismatch(bytes, off, off + len, zeros, 0, len) != -1) {
        writeFully(out, ByteBuffer.wrap(bytes, off, len), position + off);
      }
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += out.write(buffer, at);
    }
  }
}
