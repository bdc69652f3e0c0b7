package io.stowage.app.registry;

import io.stowage.api.DuplicateException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.api.StorageFullException;
import io.stowage.api.UnavailableException;
import io.stowage.api.WriteDeniedException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * The image registry: image records, their status machine and upload progress, kept in a
 * database that several processes (and, with PostgreSQL, several hosts) share.
 *
 * <p>Every method is thread-safe and atomic. Status changes are compare-and-set in the
 * database, so of two racing uploads exactly one moves an image from {@code queued} to
 * {@code saving}, and concurrent {@link #update}s of one image lose nothing.
 *
 * <p>Failures of the database itself surface as {@link UnavailableException} (cannot open or
 * reach it, corrupt, timed out), {@link WriteDeniedException} (read-only) and
 * {@link StorageFullException} (disk full), each with a one-line message.
 */
public interface ImageRegistry extends AutoCloseable {

  /**
   * Opens the registry {@code settings} describe, creating the SQLite file if needed and
   * applying pending schema migrations (once; a registry already up to date is left as is).
   *
   * @throws UnavailableException if the database cannot be opened or reached
   */
  static ImageRegistry open(RegistrySettings settings) {
    return JdbcImageRegistry.open(settings);
  }

  /**
   * Records a new image in status {@code queued}, without data.
   *
   * @throws DuplicateException if an image with the requested id exists
   */
  ImageRecord create(NewImage image);

  /** The image with this id, whoever owns it. */
  Optional<ImageRecord> find(String id);

  /**
   * The image with this id if {@code scope} may see it by {@link Scope#canSee}: memberships
   * of shared images are not considered ({@link #member} tells them).
   */
  default Optional<ImageRecord> find(String id, Scope scope) {
    return find(id).filter(scope::canSee);
  }

  /**
   * One page of the images the query's scope may see that match its filters.
   *
   * @throws InvalidRequestException if the marker names no image the scope sees
   */
  ImagePage list(ImageQuery query);

  /**
   * Replaces the image's user-settable fields (name, formats, min_disk/min_ram, protected,
   * os_hidden, visibility, owner, tags, properties, locations) with those of
   * {@code change.apply(current)}, atomically: the current record is read under a write lock,
   * so concurrent updates of one image serialise and none is lost. {@code change} runs inside
   * that lock: keep it quick and free of side effects. {@code updatedAt} is set by the registry.
   *
   * @return the record as stored
   * @throws NotFoundException if there is no such image
   * @throws IllegalArgumentException if {@code change} alters the id, status, size, virtual
   *     size, checksum or hash (those have their own methods)
   */
  ImageRecord update(String id, UnaryOperator<ImageRecord> change);

  /**
   * Moves the image from {@code from} to {@code to} if, and only if, it is in {@code from} now,
   * releasing any quota reserved for it ({@link #reserve}).
   *
   * @return whether this call made the change (false: no such image, or another status)
   */
  boolean transition(String id, ImageStatus from, ImageStatus to);

  /**
   * Completes an upload: {@code saving → active} together with the size, virtual size,
   * checksum, multihash and the new location, in one transaction.
   *
   * @return the active image; empty if the image is gone (deleted during the upload) or no
   *     longer {@code saving} — the caller then removes the data it stored
   */
  Optional<ImageRecord> activate(String id, Activation activation);

  /**
   * Removes the image record with its tags, properties, locations, members and progress. The data is the
   * caller's to remove.
   *
   * @return whether there was such an image
   */
  boolean delete(String id);

  /**
   * Adds a tag.
   *
   * @return false if the image had it already
   * @throws NotFoundException if there is no such image
   * @throws InvalidRequestException for an empty or over-long tag
   */
  boolean addTag(String id, String tag);

  /**
   * Removes a tag.
   *
   * @return false if the image did not have it
   * @throws NotFoundException if there is no such image
   */
  boolean removeTag(String id, String tag);

  /**
   * Offers the image to project {@code member}, pending its answer. Whether the image may have
   * members (it is shared) and who may add them is the caller's to decide.
   *
   * @return the new membership
   * @throws NotFoundException if there is no such image
   * @throws DuplicateException if the project is a member already
   * @throws StorageFullException if the image has {@code maxMembers} members already
   * @throws InvalidRequestException for an empty or over-long (255) member
   */
  ImageMember addMember(String imageId, String member, int maxMembers);

  /** The image's members, oldest first; empty for an image without members or no image. */
  List<ImageMember> members(String imageId);

  /** The membership of project {@code member} in the image, if it has one. */
  Optional<ImageMember> member(String imageId, String member);

  /**
   * Sets where a member stands.
   *
   * @return the membership as stored; empty if the project is not a member
   */
  Optional<ImageMember> updateMember(String imageId, String member, MemberStatus status);

  /**
   * Removes a membership.
   *
   * @return whether there was one
   */
  boolean removeMember(String imageId, String member);

  /**
   * Starts (or restarts) recording an upload: zero bytes of {@code bytesTotal}, started now.
   * Ignored when the image does not exist.
   */
  void startProgress(String id, OptionalLong bytesTotal);

  /**
   * Records how many bytes of the image's upload have arrived. Callers write at most about once
   * a second ({@link ThrottledProgress} does that). Ignored when the image does not exist.
   */
  void recordProgress(String id, long bytesReceived, OptionalLong bytesTotal);

  /** The image's last recorded upload progress; empty if no upload was ever recorded. */
  Optional<UploadProgress> progress(String id);

  /**
   * The bytes of image data the project {@code owner} stores: the sum of the sizes of its
   * images that have data. Uploads still running are not counted.
   */
  long bytesStoredBy(String owner);

  /**
   * Claims quota for the running upload of image {@code id} (status {@code saving}): sets the
   * bytes reserved for it to the most of {@code atLeast..atMost} that keeps what its owner
   * stores (the sizes of its images with data) and reserves (its other running uploads) within
   * {@code quota}. Atomic across threads, processes and hosts sharing the registry: uploads of
   * one project that race for its last bytes cannot together exceed the quota. Any status
   * change of the image ({@link #transition}, {@link #activate}) and its deletion release the
   * reservation. An image without an owner counts against no quota: all of {@code atMost}.
   *
   * @return the bytes now reserved for the image; empty if not even {@code atLeast} fits (the
   *     reservation is then unchanged)
   * @throws NotFoundException if no upload of the image is running
   */
  OptionalLong reserve(String id, long atLeast, long atMost, long quota);

  /** The bytes the project's running uploads hold reserved ({@link #reserve}). */
  long bytesReservedBy(String owner);

  /**
   * Leases on running uploads: how a crashed upload is told from a live one (issue 12).
   * Opens nothing more than the registry itself.
   */
  UploadLeases leases();

  /** The database, without credentials, for messages ({@code jdbc:sqlite:/data/registry.db}). */
  String describe();

  /** Closes the connection pool. */
  @Override
  void close();
}
