package io.stowage.api.store;


import io.stowage.api.ByteRange;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.InvalidRequestException;


import java.net.URI;
import java.util.Set;

/**
 * One configured backend instance: it stores image data under image ids and reads it back by
 * {@link Location}.
 *
 * <p><b>Contract</b> (checked by {@code store-tck}):
 * <ul>
 *   <li>{@link #add} reads the request's stream to its end; the md5 and multihash it returns are
 *       of exactly the bytes stored, and {@code size} is their count.
 *   <li>A second add of an id that is stored fails with {@link DuplicateException} and leaves
 *       the first untouched.
 *   <li>On any failure — full disk, denied write, stream failure, size mismatch, size cap —
 *       nothing is left behind, nothing partial is ever readable, and a retry of the same id
 *       can succeed.
 *   <li>A declared size that the stream does not match is {@link SizeMismatchException}.
 * </ul>
 *
 * <p><b>Threads</b>: implementations are thread-safe; adds of different ids run concurrently,
 * and concurrent adds of one id end with one success and {@link DuplicateException}s.
 */
public interface Store extends AutoCloseable {

  /** The configured instance id (a key under {@code stores:}). */
  String id();

  /** The URI schemes of the locations this store writes and reads, lowercase. */
  Set<String> schemes();

  /** What this store can do. */
  Set<Capability> capabilities();

  /**
   * Whether {@code uri}, in one of this store's schemes, belongs to this instance. The host
   * routes a location only to a store that owns it, even when the location names the store, so
   * a store that does not override this serves no reads or deletes. The default claims nothing
   * (routing fails closed); a store claims exactly the URIs its {@link #add} produces.
   */
  default boolean owns(URI uri) {
    return false;
  }

  /**
   * Stores an image.
   *
   * @throws DuplicateException the id is already stored
   * @throws StorageFullException, WriteDeniedException, SizeMismatchException,
   *     SizeCapExceededException, DataStreamException, StoreIOException as described on each;
   *     in every case nothing is kept
   * @throws UnsupportedStoreOperationException the store is read-only
   */
  AddResult add(AddRequest request);

  /**
   * Opens the image's bytes in {@code range}.
   *
   * @throws NotFoundException no image at the location
   * @throws BadLocationException the location is not one of this store's
   * @throws InvalidRequestException the range starts past the end
   */
  ImageData get(Location location, ByteRange range);

  /**
   * The image's size in bytes.
   *
   * @throws NotFoundException no image at the location
   * @throws BadLocationException the location is not one of this store's
   */
  long size(Location location);

  /**
   * Deletes the image.
   *
   * @throws NotFoundException no image at the location
   * @throws BadLocationException the location is not one of this store's
   */
  void delete(Location location);

  /**
   * Where the image stored under {@code imageId} is, if this store holds one: how the host finds
   * data whose add completed but whose caller never recorded the location (a process killed
   * between the store's commit and its registry's update), so that it can be deleted before the
   * upload is retried. The default knows none; a store whose locations follow from the id
   * overrides it.
   *
   * @throws InvalidRequestException the id cannot name an image in this store
   */
  default java.util.Optional<Location> locate(String imageId) {
    return java.util.Optional.empty();
  }

  /**
   * This store's content-addressed API ({@code stowage content ...}), when it is a content store.
   * The default has none.
   */
  default java.util.Optional<io.stowage.api.content.ContentStore> content() {
    return java.util.Optional.empty();
  }

  /** Releases what the store holds. The default does nothing. */
  @Override
  default void close() {}
}
