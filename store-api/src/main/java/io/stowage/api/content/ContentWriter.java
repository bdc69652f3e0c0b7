package io.stowage.api.content;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The single writer of one ingest, from {@link ContentStore#writer}. It holds the ingest's ref
 * until {@link #close()} or a successful {@link #commit}; while it does, no other writer — in
 * this or any other process — can open the ref. Data is appended; nothing is visible as a blob
 * before commit.
 *
 * <p>An implementation may write in the background: a write error then surfaces, once, from a
 * later {@link #write} or from {@link #commit}. A write error ends the writer (releasing the
 * ref, as {@link #close()}); the ingest keeps the bytes that reached it, and a new writer
 * resumes from there.
 *
 * <p>Not thread-safe: one thread at a time. Every method except {@link #close()} fails with
 * {@link IllegalStateException} after close, commit or a write error.
 */
public interface ContentWriter extends AutoCloseable {

  /**
   * Appends all remaining bytes of {@code data}.
   *
   * @throws io.stowage.api.StorageFullException no room (for these bytes or earlier ones); the
   *     bytes that reached the ingest stay
   * @throws io.stowage.api.WriteDeniedException the ingest cannot be written
   * @throws io.stowage.api.StoreIOException another I/O failure
   */
  void write(ByteBuffer data);

  /** Appends {@code length} bytes of {@code bytes} from {@code offset}; as {@link #write(ByteBuffer)}. */
  default void write(byte[] bytes, int offset, int length) {
    write(ByteBuffer.wrap(bytes, offset, length));
  }

  /** The digest of the bytes written so far (of the ingest, including those before a resume). */
  Digest digest();

  /** The ingest's status: ref, offset, expected total, started and updated times. */
  IngestStatus status();

  /**
   * Discards what was written, so that the ingest starts again from byte 0. Only 0 is supported
   * (as in containerd).
   *
   * @throws io.stowage.api.InvalidRequestException {@code size} is not 0
   */
  void truncate(long size);

  /**
   * Makes the written bytes a blob. Checks the size and the digest when expected ones are given,
   * makes the data durable (file and folder synced), moves it atomically under its digest,
   * leaves it read-only, adds {@code labels} and removes the ingest. A successful commit closes
   * the writer; after a size or digest mismatch the writer stays open and the ingest keeps its
   * bytes; a write error ends the writer as in {@link #write}.
   *
   * @return {@link CommitResult.Outcome#CREATED}, or {@link CommitResult.Outcome#ALREADY_EXISTED}
   *     when the blob was stored already (callers treat that as success; the labels are added to
   *     it)
   * @throws io.stowage.api.SizeMismatchException the size is not {@code expectedSize}; the ingest
   *     is kept for inspection
   * @throws io.stowage.api.InvalidImageDataException the digest is not {@code expectedDigest};
   *     the ingest is kept
   * @throws io.stowage.api.InvalidRequestException {@code expectedDigest} is of another
   *     algorithm than the store's writers use, or a label is invalid
   * @throws io.stowage.api.StorageFullException no room for the bytes or the blob
   * @throws io.stowage.api.StoreIOException another I/O failure; nothing partial is visible
   */
  CommitResult commit(
      OptionalLong expectedSize, Optional<Digest> expectedDigest, Map<String, String> labels);

  /**
   * Releases the ref; the ingest stays and a later {@link ContentStore#writer} resumes it.
   * Idempotent.
   */
  @Override
  void close();
}
