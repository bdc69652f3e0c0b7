package io.stowage.api.disk;


import io.stowage.api.InvalidImageDataException;
import io.stowage.api.UnsupportedStoreOperationException;
import io.stowage.api.InvalidRequestException;


import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/**
 * A disk-image format (for example {@code vhdx}), contributed by a plugin as a PF4J
 * {@code @Extension}. Implementations are stateless and thread-safe.
 *
 * <p>Every method that reads an image treats it as hostile: damaged or crafted input ends in
 * {@link InvalidImageDataException} with a precise reason, never in a hang, an
 * {@link OutOfMemoryError} or another exception.
 */
public interface DiskFormat extends org.pf4j.ExtensionPoint {

  /** The format's name, lowercase ({@code vhdx}, {@code vpc}, ...). */
  String name();

  /** How many leading bytes {@link #probe} needs to decide. */
  int probeLength();

  /**
   * Whether the image's first bytes (up to {@link #probeLength()}, fewer if the image is
   * shorter) look like this format. Cheap; reads the buffer without consuming it.
   */
  boolean probe(ByteBuffer head);

  /**
   * How many trailing bytes {@link #probeTail} needs: 0 (the default) for formats recognised by
   * their first bytes alone.
   */
  default int tailProbeLength() {
    return 0;
  }

  /**
   * Whether the image's last bytes (up to {@link #tailProbeLength()}) look like this format;
   * asked only when no format recognised the first bytes. Legacy VHD needs it: a fixed VHD's
   * only footer is at the end. Cheap; reads the buffer without consuming it.
   */
  default boolean probeTail(ByteBuffer tail) {
    return false;
  }

  /**
   * Reads and validates the image's structure.
   *
   * @throws InvalidImageDataException the image is damaged or not of this format
   * @throws StoreIOException reading failed
   */
  DiskInfo inspect(SeekableByteChannel image);

  /** An inspector for a stream of this format, as {@link #inspect} but in one pass. */
  StreamInspector streamInspector();

  /**
   * Creates a new, empty image file at {@code target}, which must not exist.
   *
   * @throws UnsupportedStoreOperationException the format cannot create images (the default)
   * @throws InvalidRequestException the spec is not possible in this format
   */
  default void create(Path target, DiskSpec spec) {
    throw new UnsupportedStoreOperationException(name() + " images cannot be created");
  }

  /**
   * The bytes the guest sees, as a read-only seekable channel of {@code virtualSize} bytes.
   * Close it when done.
   *
   * @throws UnsupportedStoreOperationException the format cannot do this (the default)
   * @throws InvalidImageDataException the image or one of its parents is damaged
   */
  default SeekableByteChannel openVirtualDisk(Path image) {
    throw new UnsupportedStoreOperationException(name() + " guest data cannot be read");
  }

  /**
   * Grows the guest-visible size of an image in place. The file stays valid throughout: a crash
   * part-way leaves the old or the new disk, never a broken one.
   *
   * @throws UnsupportedStoreOperationException the format or this kind of image cannot be
   *     resized (the default)
   * @throws InvalidRequestException the new size is smaller than the current one or too large
   * @throws InvalidImageDataException the image is damaged
   */
  default void resize(Path image, long newVirtualSize) {
    throw new UnsupportedStoreOperationException(name() + " images cannot be resized");
  }

  /**
   * Points a differencing image at its parent's new path, keeping the link to the parent's
   * identity. Refuses a parent that is not the one the child was made from unless
   * {@code force}.
   *
   * @throws UnsupportedStoreOperationException the format has no differencing images (the
   *     default)
   * @throws InvalidRequestException the image is not differencing, or the parent does not match
   * @throws InvalidImageDataException the image or the parent is damaged
   */
  default void reconnectParent(Path image, Path parent, boolean force) {
    throw new UnsupportedStoreOperationException(name() + " images have no parents");
  }
}
