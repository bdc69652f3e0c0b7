package io.stowage.api.content;

import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A digest-keyed blob store with resumable ingests (containerd's content store). A backend that
 * offers it also implements {@link io.stowage.api.store.Store}; the host finds it by
 * {@code instanceof}.
 *
 * <p><b>Ingests</b>: {@link #writer} opens or resumes the ingest named by a ref; one writer per ref
 * at a time, across threads and processes ({@link io.stowage.api.LockedException} otherwise,
 * saying how long the ref has been held). A writer whose process dies releases its ref. Resuming
 * continues after the bytes already written.
 *
 * <p><b>Blobs</b> are immutable once committed and carry labels.
 *
 * <p><b>Threads</b>: implementations are thread-safe. Invalid digests and refs never reach an
 * implementation: {@link Digest} and {@link IngestRefs} check them.
 */
public interface ContentStore {

  /**
   * Opens the writer of the ingest {@code ref}, creating the ingest or resuming it.
   *
   * @param expectedTotal the size the data will have, when known (recorded in the status)
   * @throws io.stowage.api.LockedException another writer holds the ref
   * @throws io.stowage.api.InvalidRequestException the ref is invalid, or {@code expectedTotal}
   *     differs from the total the existing ingest was started with
   * @throws io.stowage.api.WriteDeniedException, io.stowage.api.StorageFullException the ingest
   *     cannot be created
   */
  ContentWriter writer(String ref, OptionalLong expectedTotal);

  /**
   * What is known about a blob.
   *
   * @throws io.stowage.api.NotFoundException no blob has this digest
   */
  ContentInfo info(Digest digest);

  /**
   * Changes a blob's labels: with no {@code fields}, its labels become {@code labels}; with
   * fields ({@code labels.<key>} or {@code <key>}), only those keys change, each to its value in
   * {@code labels} or removed when it has none there or an empty one.
   *
   * @return the blob's info after the change
   * @throws io.stowage.api.NotFoundException no blob has this digest
   * @throws io.stowage.api.InvalidRequestException a field or label is invalid
   */
  ContentInfo updateLabels(Digest digest, Map<String, String> labels, Set<String> fields);

  /**
   * Calls {@code action} with each blob that passes {@code filter}, in digest order. Blobs added or
   * deleted during the walk may or may not be seen.
   */
  void walk(ContentFilter filter, Consumer<ContentInfo> action);

  /**
   * Reads a blob's bytes in {@code range}.
   *
   * @throws io.stowage.api.NotFoundException no blob has this digest
   * @throws io.stowage.api.InvalidRequestException the range starts past the end
   */
  ImageData read(Digest digest, ByteRange range);

  /**
   * Deletes a blob. Readers that opened it keep reading.
   *
   * @throws io.stowage.api.NotFoundException no blob has this digest
   */
  void delete(Digest digest);

  /**
   * The status of an ingest.
   *
   * @throws io.stowage.api.NotFoundException no ingest has this ref
   */
  IngestStatus status(String ref);

  /** The ingests that pass {@code filter} (field {@code ref}), sorted by ref. */
  List<IngestStatus> statuses(ContentFilter filter);

  /**
   * Removes an ingest and what it wrote.
   *
   * @throws io.stowage.api.NotFoundException no ingest has this ref
   * @throws io.stowage.api.LockedException a writer holds the ref
   */
  void abort(String ref);

  /** The blob's info, or empty when it is not stored. */
  default Optional<ContentInfo> find(Digest digest) {
    try {
      return Optional.of(info(digest));
    } catch (io.stowage.api.NotFoundException e) {
      return Optional.empty();
    }
  }
}
