package io.stowage.api.store;

import io.stowage.api.DataStreamException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.IoFailures;
import io.stowage.api.Multihash;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/**
 * The cross-cutting part of every {@link Store#add}, so that a backend only moves bytes: reads
 * the request's data in blocks, hands each block to the backend's {@link Sink}, and meanwhile
 * computes md5 and the requested multihash on two other threads (each digest sees each block
 * once, from the same buffer the sink writes: no copies), counts the bytes, enforces the size
 * cap and the declared size, and reports progress. The role of Okio's {@code HashingSource}.
 * {@link ImageHasher} is the push-style counterpart, on the same lanes.
 *
 * <pre>{@code
 * ImageMeter.Reading r = ImageMeter.copy(request, (block, position) -> file.write(block, position));
 * return r.resultAt(location);
 * }</pre>
 *
 * <p>Errors: a stream that throws is {@link DataStreamException}; more bytes than the cap
 * {@link SizeCapExceededException}; more or fewer than declared {@link SizeMismatchException}
 * (more is detected as soon as it arrives, so an endless stream is not read far past the
 * limit); what the sink throws comes out unchanged (an {@link IOException} for the backend to
 * classify with {@link IoFailures}). After any failure the backend discards what it wrote.
 *
 * <p>Thread-safe: concurrent copies are independent. The digests run on daemon threads shared
 * by the JVM; the sink and the progress listener are called on the calling thread, in order.
 */
public final class ImageMeter {
  /**
   * The default block size: 4 MiB, or 1 MiB in a JVM whose heap may not grow to 1 GiB. A stream
   * has four blocks in flight; each block is one hand-off from the reading thread to every digest
   * thread, and 4 MiB blocks took about a tenth less CPU and wall time per GiB uploaded than
   * 1 MiB ones (docs/benchmarks.md, session 10). A small heap keeps the smaller blocks, so that
   * many concurrent streams still fit in it.
   */
  public static final int DEFAULT_BLOCK_SIZE =
      Runtime.getRuntime().maxMemory() >= 1L << 30 ? 4 << 20 : 1 << 20;

  private ImageMeter() {}

  /**
   * Where a backend puts the bytes. Called once per block, in order, on the thread that called
   * {@link #copy}.
   */
  @FunctionalInterface
  public interface Sink {
    /**
     * Stores {@code block} (read-only; its remaining bytes) at {@code position}, the count of
     * bytes before it. The block is valid only during the call.
     *
     * @throws IOException for the backend to classify when {@link #copy} throws it
     */
    void write(ByteBuffer block, long position) throws IOException;
  }

  /**
   * What was read: the byte count, md5 as lowercase hex, and the multihash in the request's
   * algorithm.
   */
  public record Reading(long size, String md5, Multihash multihash) {
    /** The {@link AddResult} of an add that stored these bytes at {@code location}. */
    public AddResult resultAt(Location location) {
      return new AddResult(location, size, md5, multihash);
    }
  }

  /** {@link #copy(AddRequest, int, Sink)} in blocks of {@link #DEFAULT_BLOCK_SIZE} bytes. */
  public static Reading copy(AddRequest request, Sink sink) throws IOException {
    return copy(request, DEFAULT_BLOCK_SIZE, sink);
  }

  /**
   * Reads {@code request}'s data to its end into {@code sink}, in blocks of {@code blockSize}
   * bytes (every block but the last is full, so a backend with chunks of its own can pick a
   * multiple of them). Progress is reported after each block is written, and once with 0 for an
   * empty stream. The stream is not closed.
   *
   * @throws DataStreamException reading the data failed
   * @throws SizeCapExceededException the data is longer than the request's size cap
   * @throws SizeMismatchException the data is longer or shorter than its declared size
   * @throws IOException the sink failed
   * @throws StoreIOException the calling thread was interrupted (its flag is set again)
   * @throws io.stowage.api.BadStoreConfigurationException {@code blockSize} is not positive
   */
  public static Reading copy(AddRequest request, int blockSize, Sink sink) throws IOException {
    if (blockSize <= 0) {
      throw new io.stowage.api.BadStoreConfigurationException(
          "", "block size " + blockSize + " is not positive");
    }
    DigestLanes lanes = new DigestLanes(blockSize,
        List.of(HashAlgorithm.MD5.newDigest(), request.hashAlgorithm().newDigest()));
    boolean done = false;
    try {
      long total = 0;
      boolean reported = false;
      while (true) {
        Block block = lanes.take();
        int n = fill(request.data(), block.bytes);
        if (n > 0) {
          total = Math.addExact(total, n);
          checkLimits(request, total);
          lanes.submit(block, n, 1); // the lanes and the sink
          try {
            sink.write(ByteBuffer.wrap(block.bytes, 0, n).asReadOnlyBuffer(), total - n);
          } finally {
            block.release();
          }
          request.progress().onProgress(total, request.declaredSize());
          reported = true;
        } else {
          lanes.recycle(block);
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
      HexFormat hex = HexFormat.of();
      List<byte[]> digests = lanes.finish();
      Reading reading =
          new Reading(total, hex.formatHex(digests.get(0)),
              new Multihash(request.hashAlgorithm(), hex.formatHex(digests.get(1))));
      done = true;
      return reading;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreIOException("the add of image " + request.imageId() + " was interrupted", e);
    } finally {
      if (!done) {
        lanes.abandon();
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
      throw new DataStreamException(
          "reading the image data failed: " + IoFailures.describe(e), e);
    }
    return filled;
  }
}
