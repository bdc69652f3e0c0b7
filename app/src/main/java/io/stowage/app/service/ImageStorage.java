package io.stowage.app.service;

import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.StorageFullException;
import io.stowage.api.UnavailableException;
import io.stowage.api.UnknownSchemeException;
import io.stowage.api.UnsupportedStoreOperationException;
import io.stowage.api.store.Location;
import java.util.List;

/**
 * The application layer every interface (CLI, HTTP, cache, content store) calls to store and
 * read images: it chooses the store for a write and routes a location for a read, checks the
 * store's capabilities, applies the size cap and the configured hash algorithm, inspects the
 * format on the way in, enforces a quota while streaming and reports progress. One per host
 * ({@code host.imageStorage()}); thread-safe. Errors are {@link io.stowage.api.StowageException}
 * leaves; {@link Failures} maps each to an exit code and an HTTP status.
 */
public interface ImageStorage {

  /**
   * Stores an image. On any failure nothing is stored.
   *
   * @throws InvalidRequestException the request names a store that is not configured
   * @throws UnavailableException the store cannot be built now (the message says why)
   * @throws UnsupportedStoreOperationException the store cannot write
   * @throws InvalidImageDataException inspection refused the data: unsafe (unless allowed),
   *     damaged, ambiguous, or not the expected format
   * @throws SizeCapExceededException the data is larger than the configured cap
   * @throws StorageFullException the data exceeds the request's limit, or the store is full
   * @throws DuplicateException the image id is stored already
   */
  StoredImage put(PutRequest request);

  /**
   * Opens an image's bytes in {@code range}. Close what it returns.
   *
   * @throws UnknownSchemeException no configured store serves the location's scheme
   * @throws BadLocationException no store of its scheme owns it
   * @throws UnsupportedStoreOperationException the store cannot read (ranges)
   * @throws NotFoundException no image there
   */
  ImageData open(Location location, ByteRange range);

  /** The size of the image at {@code location}; errors as {@link #open}. */
  long size(Location location);

  /** Deletes the image at {@code location}; errors as {@link #open}. */
  void delete(Location location);

  /**
   * Where store {@code storeId} holds data under {@code imageId}, if it does and can say (see
   * {@code Store.locate}): data a crashed upload stored but never recorded.
   *
   * @throws InvalidRequestException no such store is configured
   * @throws UnavailableException it cannot be built now
   */
  java.util.Optional<Location> locate(String storeId, String imageId);

  /** Every configured store with its state, in configuration order; builds those not built yet. */
  List<StoreStatus> stores();

  /**
   * The store writes go to when a request names none.
   *
   * @throws UnavailableException several stores are configured and none is the default
   */
  String defaultStoreId();
}
