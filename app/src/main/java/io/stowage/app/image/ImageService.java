package io.stowage.app.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.api.ProgressListener;
import io.stowage.api.StorageFullException;
import io.stowage.api.StowageException;
import io.stowage.api.store.Location;
import io.stowage.app.registry.Activation;
import io.stowage.app.registry.ImagePage;
import io.stowage.app.registry.ImageQuery;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.ImageRegistry;
import io.stowage.app.registry.ImageStatus;
import io.stowage.app.registry.NewImage;
import io.stowage.app.registry.Scope;
import io.stowage.app.registry.ThrottledProgress;
import io.stowage.app.registry.UploadProgress;
import io.stowage.app.registry.Visibility;
import io.stowage.app.service.ImageStorage;
import io.stowage.app.service.PutRequest;
import io.stowage.app.service.StoredImage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image service both {@code stowage serve} and {@code stowage image} call: image records in
 * the {@link ImageRegistry}, their data through {@link ImageStorage}, with Glance's rules.
 *
 * <p>Every method acts for a {@link Scope}: an image the scope may not see does not exist
 * ({@link NotFoundException}); one it sees but does not own cannot be changed
 * ({@link ImageForbiddenException}).
 *
 * <p>Uploads move an image {@code queued → saving} by compare-and-set (of two racing uploads one
 * wins, the other gets {@link ImageConflictException}), stream it through
 * {@link ImageStorage#put} once (size cap, the owner's quota reserved in the registry as the
 * bytes arrive — {@link QuotaReservation} — inspection against the image's
 * {@code disk_format}), record progress at most once a second, and end {@code active} with size, checksums, virtual size and location. Any failure returns the image to
 * {@code queued} with no data stored anywhere.
 *
 * <p>Thread-safe: the registry serialises what must be; several processes may share it.
 */
public final class ImageService {
  private static final Logger LOG = LoggerFactory.getLogger(ImageService.class);
  private static final Pattern UUID_TEXT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final ImageRegistry registry;
  private final ImageStorage storage;
  private final ProjectQuota quota;
  private final ImageMembers members;
  private final UploadRecovery recovery;

  public ImageService(ImageRegistry registry, ImageStorage storage, ProjectQuota quota) {
    this(registry, storage, quota, new UploadRecovery(registry, storage,
        UploadLeaseSettings.DEFAULT, java.time.Clock.systemUTC()));
  }

  /** @param recovery leases of this process's uploads, and the requeueing of dead ones */
  public ImageService(ImageRegistry registry, ImageStorage storage, ProjectQuota quota,
      UploadRecovery recovery) {
    this.registry = registry;
    this.storage = storage;
    this.quota = quota;
    this.recovery = recovery;
    this.members = new ImageMembers(this, registry);
  }

  /** Sharing: the members of shared images. */
  public ImageMembers members() {
    return members;
  }

  /** The leases of this process's uploads and the sweep for dead ones. */
  public UploadRecovery uploads() {
    return recovery;
  }

  /** The ids of the stores data can go to. */
  public List<String> storeIds() {
    return storage.stores().stream().map(s -> s.id()).toList();
  }

  /** Every configured store with its state (a store whose plugin broke is unavailable). */
  public List<io.stowage.app.service.StoreStatus> stores() {
    return storage.stores();
  }

  /** The store uploads go to when they name none. */
  public String defaultStoreId() {
    return storage.defaultStoreId();
  }

  /**
   * Records a new, queued image with the given properties (Glance's create body: base
   * properties, {@code tags}, extra string properties; {@code id} optionally, a UUID). The
   * owner is the scope's project.
   *
   * @throws ImageForbiddenException a read-only property
   * @throws InvalidRequestException a bad value
   * @throws io.stowage.api.DuplicateException the id is taken
   */
  public ImageRecord create(Scope scope, Map<String, JsonNode> properties) {
    ImageRecord draft = draft(scope);
    Optional<String> id = Optional.empty();
    for (Map.Entry<String, JsonNode> e : properties.entrySet()) {
      if (e.getKey().equals("id")) {
        id = Optional.of(requireUuid(e.getValue()));
        continue;
      }
      draft = PropertyRules.apply(draft, PropertyChange.set(e.getKey(), e.getValue()), scope);
    }
    NewImage.Builder b = NewImage.builder()
        .minDisk(draft.minDisk()).minRam(draft.minRam())
        .isProtected(draft.isProtected()).osHidden(draft.osHidden())
        .visibility(draft.visibility()).tags(draft.tags()).properties(draft.properties());
    id.ifPresent(b::id);
    draft.name().ifPresent(b::name);
    draft.diskFormat().ifPresent(b::diskFormat);
    draft.containerFormat().ifPresent(b::containerFormat);
    draft.owner().ifPresent(b::owner);
    return registry.create(b.build());
  }

  /**
   * The image.
   *
   * @throws NotFoundException no image with that id that the scope may see
   */
  public ImageRecord show(Scope scope, String id) {
    return registry.find(id).filter(image -> visible(scope, image))
        .orElseThrow(() -> notFound(id));
  }

  /** What the scope sees, plus shared images its project is a member of (in any status). */
  private boolean visible(Scope scope, ImageRecord image) {
    return scope.canSee(image)
        || image.visibility() == Visibility.SHARED && scope.project().isPresent()
            && registry.member(image.id(), scope.project().get()).isPresent();
  }

  /** One page of the images the query's scope sees, filtered and sorted as it says. */
  public ImagePage list(ImageQuery query) {
    return registry.list(query);
  }

  /**
   * Applies {@code changes} in order, atomically: all or none.
   *
   * @throws NotFoundException, ImageForbiddenException, InvalidRequestException,
   *     ImageConflictException as {@link PropertyChange} describes
   */
  public ImageRecord update(Scope scope, String id, List<PropertyChange> changes) {
    modifiable(scope, id);
    return registry.update(id, current -> {
      ImageRecord next = current;
      for (PropertyChange change : changes) {
        next = PropertyRules.apply(next, change, scope);
      }
      return next;
    });
  }

  /**
   * Deletes the image and its data. An upload in progress then ends with
   * {@link ImageGoneException} and removes what it stored.
   *
   * @throws ImageForbiddenException the image is protected
   */
  public void delete(Scope scope, String id) {
    ImageRecord image = modifiable(scope, id);
    if (image.isProtected()) {
      throw new ImageForbiddenException("image " + id + " is protected and cannot be deleted"
          + " (set protected to false first)");
    }
    if (!registry.delete(id)) {
      throw notFound(id);
    }
    for (Location location : image.locations()) {
      removeData(id, location);
    }
  }

  /** Adds a tag (no change if the image has it). */
  public void addTag(Scope scope, String id, String tag) {
    modifiable(scope, id);
    registry.addTag(id, tag);
  }

  /**
   * Removes a tag.
   *
   * @throws NotFoundException the image does not have it
   */
  public void removeTag(Scope scope, String id, String tag) {
    modifiable(scope, id);
    if (!registry.removeTag(id, tag)) {
      throw new NotFoundException("image " + id + " has no tag \"" + tag + "\"");
    }
  }

  /**
   * Stores the image's data and makes it active.
   *
   * @return the active image
   * @throws ImageConflictException the image is not queued (an upload is running, or it has
   *     data)
   * @throws InvalidRequestException disk_format or container_format not set, unknown store,
   *     an md5 other than the declared one
   * @throws StorageFullException the store is full or the owner's quota would be exceeded
   * @throws io.stowage.api.SizeCapExceededException over the size cap
   * @throws io.stowage.api.InvalidImageDataException the data is not of the image's
   *     disk_format, or unsafe
   * @throws ImageGoneException the image was deleted during the upload
   */
  public ImageRecord upload(Scope scope, String id, Upload upload) {
    ImageRecord image = modifiable(scope, id);
    if (image.status() == ImageStatus.QUEUED
        && (image.diskFormat().isEmpty() || image.containerFormat().isEmpty())) {
      throw new InvalidRequestException(
          "properties disk_format, container_format must be set prior to saving data");
    }
    // A saving image whose upload died (its process crashed) is requeued first: a retry must
    // not trip over what a crash left.
    if (!registry.transition(id, ImageStatus.QUEUED, ImageStatus.SAVING)
        && !(recovery.requeueIfDead(id)
            && registry.transition(id, ImageStatus.QUEUED, ImageStatus.SAVING))) {
      ImageRecord now = registry.find(id).orElseThrow(() -> notFound(id));
      throw new ImageConflictException("image " + id + " is " + now.status().wireName()
          + (now.status() == ImageStatus.SAVING ? ": another upload is running" : "")
          + "; only a queued image takes data");
    }
    recovery.started(id, upload.storeId());
    try {
      return store(id, image, upload);
    } finally {
      recovery.ended(id);
    }
  }

  private ImageRecord store(String id, ImageRecord image, Upload upload) {
    ThrottledProgress recorded = new ThrottledProgress(
        registry, id, upload.declaredSize(), ThrottledProgress.DEFAULT_INTERVAL);
    ProgressListener listener = upload.listener();
    ProgressListener both = (written, declared) -> {
      recorded.onProgress(written, declared);
      listener.onProgress(written, declared);
    };
    StoredImage stored;
    try {
      PutRequest request = PutRequest.of(id, upload.data())
          .withExpectedFormat(image.diskFormat().orElseThrow())
          .withProgress(both);
      if (upload.declaredSize().isPresent()) {
        request = request.withDeclaredSize(upload.declaredSize().getAsLong());
      }
      if (upload.storeId().isPresent()) {
        request = request.withStoreId(upload.storeId().get());
      }
      if (quota.perProject().isPresent() && image.owner().isPresent()) {
        request = request.withAllowance(new QuotaReservation(registry, image,
            quota.perProject().get(), upload.declaredSize()));
      }
      stored = storage.put(request);
    } catch (RuntimeException e) {
      recorded.flush();
      if (!registry.transition(id, ImageStatus.SAVING, ImageStatus.QUEUED)
          && registry.find(id).isEmpty()) {
        throw new ImageGoneException("image " + id + " was deleted during the upload", e);
      }
      throw e;
    }
    recorded.flush();
    Location location = stored.result().location();
    if (upload.expectedMd5().isPresent() && !upload.expectedMd5().get().equals(stored.result().md5())) {
      removeData(id, location);
      registry.transition(id, ImageStatus.SAVING, ImageStatus.QUEUED);
      throw new InvalidRequestException("the data's md5 " + stored.result().md5()
          + " is not the " + upload.expectedMd5().get() + " the request declared; nothing was stored");
    }
    Optional<ImageRecord> active = registry.activate(id, new Activation(
        stored.result().size(), OptionalLong.of(stored.disk().virtualSize()),
        stored.result().md5(), stored.result().multihash(), location));
    if (active.isEmpty()) {
      removeData(id, location);
      if (registry.find(id).isPresent()) {
        // Not deleted: this upload's lease expired and another process requeued the image.
        throw new ImageConflictException("image " + id + " is no longer saving: this upload"
            + " was taken for dead and the image requeued; its data was removed, upload again");
      }
      throw new ImageGoneException(
          "image " + id + " was deleted during the upload; the data stored for it was removed");
    }
    return active.get();
  }

  /**
   * Opens the image's data in {@code range}; the caller closes it.
   *
   * @throws ImageConflictException the image has no data
   * @throws InvalidRequestException the range starts past the end
   */
  public ImageData download(Scope scope, ImageRecord image, ByteRange range) {
    if (!hasData(image)) {
      throw new ImageConflictException("image " + image.id() + " has no data");
    }
    return storage.open(image.locations().get(0), range);
  }

  /** Whether the image has data to download. */
  public static boolean hasData(ImageRecord image) {
    return image.status() == ImageStatus.ACTIVE && !image.locations().isEmpty();
  }

  /**
   * The last recorded progress of the image's upload; empty when none was ever started.
   *
   * @throws NotFoundException no such image for the scope
   */
  public Optional<UploadProgress> progress(Scope scope, String id) {
    show(scope, id);
    return registry.progress(id);
  }

  private ImageRecord modifiable(Scope scope, String id) {
    ImageRecord image = show(scope, id);
    if (!scope.canModify(image)) {
      throw new ImageForbiddenException("image " + id + " belongs to another project");
    }
    return image;
  }

  private void removeData(String id, Location location) {
    try {
      storage.delete(location);
    } catch (NotFoundException e) {
      // already gone: what delete wants
    } catch (StowageException e) {
      LOG.warn("image {}: could not remove its data at {}: {}", id, location, e.getMessage());
    }
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("no image found with id " + id);
  }

  private static String requireUuid(JsonNode id) {
    if (!id.isTextual() || !UUID_TEXT.matcher(id.textValue()).matches()) {
      throw new InvalidRequestException("id must be a UUID, not " + id);
    }
    return id.textValue().toLowerCase(java.util.Locale.ROOT);
  }

  private static ImageRecord draft(Scope scope) {
    Instant now = Instant.EPOCH;
    return new ImageRecord(UUID.randomUUID().toString(), Optional.empty(), ImageStatus.QUEUED,
        OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, false, false,
        Visibility.SHARED, scope.project(), java.util.Set.of(),
        Map.of(), List.of(), now, now);
  }
}
