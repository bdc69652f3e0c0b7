package io.stowage.vhdx;


import io.stowage.api.StoreIOException;
import io.stowage.api.StowageException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The file ranges and zero runs of one large guest read, done half by the calling thread and
 * half by a shared helper thread. Each piece fills its own slice of the caller's buffer.
 */
final class ParallelReads {
  /** Reads at least this long are split; smaller ones are not worth a hand-off. */
  static final int MIN_LENGTH = 2 << 20;
  private static final int PIECE = 512 << 10;
  private static final ExecutorService HELPER =
      Runtime.getRuntime().availableProcessors() < 2
          ? null
          : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vhdx-read-helper");
            t.setDaemon(true);
            return t;
          });

  /** A slice of the destination: from the file at {@code fileOffset}, or zeros if negative. */
  private record Piece(int at, long fileOffset, int length) {}

  private final Source source;
  private final ByteBuffer dst;
  private final List<Piece> pieces = new ArrayList<>();
  private long total;

  ParallelReads(Source source, ByteBuffer dst) {
    this.source = source;
    this.dst = dst;
  }

  static boolean available() {
    return HELPER != null;
  }

  void file(int at, long fileOffset, int length) {
    for (int done = 0; done < length; done += PIECE) {
      int n = Math.min(PIECE, length - done);
      pieces.add(new Piece(at + done, fileOffset + done, n));
    }
    total += length;
  }

  void zero(int at, int length) {
    for (int done = 0; done < length; done += PIECE) {
      pieces.add(new Piece(at + done, -1, Math.min(PIECE, length - done)));
    }
    total += length;
  }

  /** Does every piece; the helper takes the second half by bytes. */
  void run() {
    int split = 0;
    long acc = 0;
    while (split < pieces.size() && acc < total / 2) {
      acc += pieces.get(split++).length();
    }
    List<Piece> mine = pieces.subList(0, split);
    List<Piece> theirs = pieces.subList(split, pieces.size());
    Future<?> other = theirs.isEmpty() ? null : HELPER.submit(() -> fill(theirs));
    RuntimeException failure = null;
    try {
      fill(mine);
    } catch (RuntimeException e) {
      failure = e;
    }
    if (other != null) {
      try {
        other.get();
      } catch (ExecutionException e) {
        failure = failure != null ? failure : asStoreException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new StoreIOException("interrupted while reading the image");
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void fill(List<Piece> list) {
    for (Piece p : list) {
      ByteBuffer slice = dst.duplicate().position(p.at()).limit(p.at() + p.length());
      if (p.fileOffset() < 0) {
        GuestChannel.zero(slice, p.length());
      } else {
        source.read(p.fileOffset(), slice);
      }
    }
  }

  private static RuntimeException asStoreException(Throwable t) {
    if (t instanceof StowageException s) {
      return s;
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new StoreIOException("reading the image failed: " + t, t);
  }
}
