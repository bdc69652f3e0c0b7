package io.stowage.app.disk;

import io.stowage.api.DisplayText;
import io.stowage.api.IoFailures;
import io.stowage.api.StoreIOException;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.SparseChannel;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes the guest-visible bytes of an image as a raw file. Ranges the source reports as holes
 * ({@link SparseChannel}) are not read at all, and all-zero chunks of what is read are not
 * written: the output reads back identical and takes only the space of its data. A chunk of
 * data that does not start with zeros goes by {@link SparseChannel#transferTo}, so that a source
 * whose data lies in its file as it is has the kernel copy it ({@code sendfile}), once, instead
 * of reading it into this process and writing it out again. The output is an
 * {@link AtomicFile}, written through its own channel and synced by its commit: it appears under
 * its name only when complete.
 */
public final class RawConverter {
  private static final int CHUNK = 8 << 20;
  private static final int ZERO_PROBE = 64 << 10;
  private static final int PEEK = 4096;
  /**
   * Copying threads: one reads (or peeks at) a chunk while the other writes; writes take turns
   * (see {@link #copyChunks}).
   */
  private static final int WORKERS = 2;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_PROBE);

  private RawConverter() {}

  /**
   * Converts {@code in} (of {@code format}, or raw when empty) into {@code out}, which the
   * caller commits. A failed read is reported as the input's, a failed write as the output's.
   *
   * @return the number of bytes of the raw image
   */
  public static long convert(Optional<DiskFormat> format, Path in, AtomicFile out) {
    try (SeekableByteChannel source = open(format, in)) {
      return copy(source, out);
    } catch (IOException e) {
      throw InputFile.readFailure(in, e);
    }
  }

  /** Copies all of {@code source} into {@code out}'s temporary file, which the caller commits. */
  public static long copy(SeekableByteChannel source, AtomicFile out) throws IOException {
    long size = source.size();
    List<long[]> chunks = chunks(source, size);
    int threads = (int) Math.max(1, Math.min(Math.min(WORKERS, chunks.size()),
        Runtime.getRuntime().availableProcessors()));
    try {
      copyChunks(source, out.channel(), chunks, threads);
      out.setLength(size); // a trailing hole was skipped, not written
    } catch (IOException e) {
      throw IoFailures.onWrite("cannot write " + DisplayText.of(out.target()), e);
    }
    return size;
  }

  /** Copies all of {@code source} into a new raw file {@code out}, replacing any file there. */
  public static long copy(SeekableByteChannel source, Path out) throws IOException {
    try (AtomicFile file = AtomicFile.create(out)) {
      long size = copy(source, file);
      file.commit(AtomicFile.Commit.REPLACE, true);
      return size;
    }
  }

  /** The ranges to copy, in chunks of at most {@link #CHUNK}: all of it, or the data ranges. */
  private static List<long[]> chunks(SeekableByteChannel source, long size) throws IOException {
    List<long[]> out = new ArrayList<>();
    SparseChannel sparse = source instanceof SparseChannel s ? s : null;
    long position = 0;
    while (position < size) {
      long end = size;
      if (sparse != null) {
        position = sparse.nextData(position);
        if (position >= size) {
          break;
        }
        end = Math.min(size, sparse.nextHole(position));
      }
      for (; position < end; position += CHUNK) {
        out.add(new long[] {position, Math.min(CHUNK, end - position)});
      }
    }
    return out;
  }

  /**
   * Copies the chunks with {@code threads} workers. Every write goes through the temporary
   * file's own channel, one worker at a time: the kernel serialises writes into one file anyway
   * (the inode lock; on tmpfs a waiting writer spins, which doubled the system time of a copy
   * for no gain in wall time), so the workers overlap only what runs in parallel — reading the
   * source and testing for zeros — with the other's write. No second descriptor of the file is
   * opened: closing one would drop the process's POSIX lock that marks the file as in use (see
   * {@link AtomicFile}).
   */
  private static void copyChunks(SeekableByteChannel source, FileChannel sink,
      List<long[]> chunks, int threads) throws IOException {
    AtomicInteger next = new AtomicInteger();
    Object writing = new Object();
    Callable<Void> worker = () -> {
      Buffers buffers = new Buffers();
      for (int i = next.getAndIncrement(); i < chunks.size(); i = next.getAndIncrement()) {
        copyChunk(source, sink, writing, chunks.get(i)[0], (int) chunks.get(i)[1], buffers);
      }
      return null;
    };
    if (threads == 1) {
      call(worker);
      return;
    }
    ExecutorService helpers = Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "raw-convert");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Void>> others = new ArrayList<>();
      for (int i = 1; i < threads; i++) {
        others.add(helpers.submit(worker));
      }
      IOException failure = null;
      try {
        call(worker);
      } catch (IOException | RuntimeException e) {
        next.set(chunks.size()); // the others stop at their next chunk
        throw e;
      } finally {
        for (Future<Void> f : others) {
          try {
            f.get();
          } catch (ExecutionException e) {
            failure = failure != null ? failure : asIo(e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new InterruptedIOException("interrupted while converting");
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      helpers.shutdownNow();
    }
  }

  /**
   * A worker's buffers: the peek at a chunk's first bytes, and a whole chunk only once a chunk
   * has to be read (a direct buffer is zeroed when made: 8 MiB are 2,048 page faults, which a
   * copy whose data the kernel moves never needs).
   */
  private static final class Buffers {
    private final ByteBuffer peek = ByteBuffer.allocateDirect(PEEK);
    private ByteBuffer chunk;

    ByteBuffer chunk() {
      if (chunk == null) {
        chunk = ByteBuffer.allocateDirect(CHUNK);
      }
      return chunk;
    }
  }

  private static void call(Callable<Void> worker) throws IOException {
    try {
      worker.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw asIo(e);
    }
  }

  private static IOException asIo(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    return t instanceof IOException io ? io : new IOException(t);
  }

  private static void copyChunk(SeekableByteChannel source, FileChannel sink, Object writing,
      long position, int n, Buffers buffers) throws IOException {
    if (source instanceof SparseChannel sparse && !startsWithZeros(sparse, position, n,
        buffers.peek)) {
      // data: the source may have the kernel copy it, file to file, never through here
      synchronized (writing) {
        sink.position(position);
        if (sparse.transferTo(position, n, sink) != n) {
          throw ended(position, source.size());
        }
      }
      return;
    }
    // maybe all zeros: read it to know, and leave a hole if so
    ByteBuffer buffer = buffers.chunk();
    read(source, position, buffer.clear().limit(n));
    buffer.flip();
    if (!allZero(buffer)) {
      synchronized (writing) {
        while (buffer.hasRemaining()) {
          sink.write(buffer, position + buffer.position());
        }
      }
    }
  }

  /** Whether the chunk's first bytes are zeros (then it is read whole, to skip it if all are). */
  private static boolean startsWithZeros(SparseChannel source, long position, int length,
      ByteBuffer peek) throws IOException {
    read(source, position, peek.clear().limit(Math.min(length, PEEK)));
    return allZero(peek.flip());
  }

  /** Fills {@code buffer} from {@code position}; the source's position is shared, so locked. */
  private static void read(SeekableByteChannel source, long position, ByteBuffer buffer)
      throws IOException {
    synchronized (source) {
      source.position(position);
      while (buffer.hasRemaining()) {
        if (source.read(buffer) < 0) {
          throw ended(position + buffer.position(), source.size());
        }
      }
    }
  }

  private static StoreIOException ended(long at, long size) {
    return new StoreIOException("the image ended at byte " + at + " of " + size);
  }

  private static boolean allZero(ByteBuffer b) {
    for (int at = b.position(); at < b.limit(); at += ZERO_PROBE) {
      int n = Math.min(ZERO_PROBE, b.limit() - at);
      if (b.slice(at, n).mismatch(ZEROS.slice(0, n)) != -1) {
        return false;
      }
    }
    return true;
  }

  private static SeekableByteChannel open(Optional<DiskFormat> format, Path in)
      throws IOException {
    if (format.isEmpty()) {
      return Files.newByteChannel(in);
    }
    return format.get().openVirtualDisk(in);
  }
}
