package io.stowage.app.service;

import io.stowage.api.SizeCapExceededException;
import io.stowage.api.StorageFullException;
import io.stowage.api.StowageException;
import io.stowage.app.disk.Inspection;
import io.stowage.app.disk.StreamInspection;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Function;

/**
 * The stream a store reads an upload from: it counts, enforces the size cap and the request's
 * limit as bytes pass, feeds the one-pass format inspection, and asks for the verdict before it
 * lets the store see the end of the data. A refusal is thrown from {@code read} as the typed
 * {@link StowageException} it is (so a store, which only commits after the end, keeps nothing)
 * and kept here, so the caller reports it even if the store wrapped it. Not thread-safe: one
 * reader.
 */
final class UploadGate extends FilterInputStream {
  private final StreamInspection inspection;
  private final long cap;
  private final Optional<UploadAllowance> allowance;
  private long allowed;
  private final Function<Inspection, Optional<StowageException>> judge;
  private long total;
  private Inspection verdict;
  private StowageException refusal;

  /**
   * @param allowance asked whenever the data outgrows {@code allowed}; empty: no limit
   * @param allowed the bytes already granted
   */
  UploadGate(InputStream in, StreamInspection inspection, long cap,
      Optional<UploadAllowance> allowance, long allowed,
      Function<Inspection, Optional<StowageException>> judge) {
    super(in);
    this.inspection = inspection;
    this.cap = cap;
    this.allowance = allowance;
    this.allowed = allowed;
    this.judge = judge;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (refusal != null) {
      throw refusal;
    }
    int n = super.read(b, off, len);
    if (n > 0) {
      total += n;
      if (total > cap) {
        throw refuse(new SizeCapExceededException(
            "the image exceeds the size cap of " + cap + " bytes; nothing was stored"));
      }
      if (allowance.isPresent() && total > allowed) {
        try {
          allowed = Math.max(allowed, allowance.get().request(total));
        } catch (StowageException e) {
          throw refuse(e);
        }
        if (total > allowed) {
          throw refuse(new StorageFullException("the image exceeds the " + allowed
              + " bytes it may take (quota); nothing was stored"));
        }
      }
      inspection.update(b, off, n);
    } else if (n < 0 && verdict == null) {
      verdict = inspection.finish();
      Optional<StowageException> refused = judge.apply(verdict);
      if (refused.isPresent()) {
        throw refuse(refused.get());
      }
    }
    return n;
  }

  private StowageException refuse(StowageException e) {
    refusal = e;
    return e;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] sink = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
    int read = read(sink, 0, sink.length);
    return Math.max(read, 0);
  }

  @Override
  public int available() throws IOException {
    return verdict == null ? Math.max(0, super.available()) : 0;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() {
    // the caller owns the source stream
  }

  /** Why the upload was refused, if it was. */
  Optional<StowageException> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** What inspection found, once the store has read to the end. */
  Optional<Inspection> verdict() {
    return Optional.ofNullable(verdict);
  }
}
