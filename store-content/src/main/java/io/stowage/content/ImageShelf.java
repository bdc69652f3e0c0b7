package io.stowage.content;

import io.stowage.api.IoFailures;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.ImageIds;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.LockedException;
import io.stowage.api.NotFoundException;
import io.stowage.api.content.CommitResult;
import io.stowage.api.content.Digest;
import io.stowage.api.content.Labels;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.ImageMeter;
import io.stowage.api.store.Location;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The content store as an image {@link io.stowage.api.store.Store}. An image is ingested under the
 * ref {@code stowage-image:<id>} and committed under its digest, so identical images share one
 * blob. Each image holds a reference on its blob — the label {@code stowage.io/image.<id>} — and
 * an index entry {@code images/<sha256 of id>} naming the digest.
 *
 * <p>The label is what makes an image stored: an image exists when its index entry names a blob
 * that exists and carries its label. So the index entry is written before the label (on add)
 * and removed after it (on delete), and a crash between the two leaves only an index entry that
 * names nothing — ignored, and replaced by the next add of that id — never a label that would
 * keep a blob alive for an image that does not exist. Both steps run under the blob's stripe
 * lock, as does every change of its labels, so concurrent adds and deletes of identical images
 * never lose a blob an image still needs.
 *
 * <p>Locations are {@code content:///<alg>/<hex>?image=<id>}.
 */
final class ImageShelf {
  static final String SCHEME = "content";
  static final String LABEL_PREFIX = "stowage.io/image.";

  private final LocalContentStore store;
  private final Layout layout;
  private final String storeId;

  ImageShelf(LocalContentStore store, Layout layout, String storeId) {
    this.store = store;
    this.layout = layout;
    this.storeId = storeId;
  }

  private record Ref(Digest digest, String imageId) {}

  AddResult add(AddRequest request) {
    String id = request.imageId();
    Path index = layout.image(id);
    if (storedDigest(id).isPresent()) {
      throw duplicate(id);
    }
    IngestWriter writer;
    try {
      writer = store.openWriter("stowage-image:" + id, OptionalLong.empty(), false);
    } catch (LockedException e) {
      throw new DuplicateException("image \"" + id + "\" is being added by another writer");
    }
    boolean done = false;
    try {
      if (storedDigest(id).isPresent()) {
        throw duplicate(id);
      }
      if (writer.status().offset() != 0) {
        writer.truncate(0); // what an add that crashed left
      }
      // md5, the multihash, size cap, declared size and progress: the host's metering.
      ImageMeter.Reading reading = ImageMeter.copy(request, (block, position) -> writer.write(block));
      Digest digest = writer.seal(OptionalLong.of(reading.size()), Optional.empty());
      CommitResult committed;
      try (BlobLocks.Held lock = store.blobs().locks().lock(digest)) {
        SmallFile.replace(index, digest.toString().getBytes(StandardCharsets.US_ASCII), true);
        crashPoint.run();
        committed = writer.publish(digest, Map.of(LABEL_PREFIX + id, Instant.now().toString()));
      }
      done = true;
      return reading.resultAt(location(committed.digest(), id));
    } catch (IOException e) {
      throw IoFailures.onWrite("adding image \"" + id + "\"", e);
    } finally {
      if (!done) {
        writer.discard();
      }
    }
  }

  /**
   * Runs between writing an image's index entry and its label; a test halts the JVM here to show
   * that a crash at this point leaves nothing a retry trips over and no label behind.
   */
  static volatile Runnable crashPoint = () -> { };

  ImageData get(Location location, ByteRange range) {
    Ref ref = stored(location);
    return store.read(ref.digest, range);
  }

  long size(Location location) {
    Ref ref = stored(location);
    try {
      return Files.size(layout.blob(ref.digest));
    } catch (NoSuchFileException e) {
      throw notFound(location);
    } catch (IOException e) {
      throw IoFailures.onRead("reading " + location, e);
    }
  }

  /** The location of image {@code id} if it is stored (its index entry and its label agree). */
  Optional<Location> locate(String id) {
    return storedDigest(id).map(digest -> location(digest, id));
  }

  void delete(Location location) {
    Ref ref = parse(location.uri());
    try (BlobLocks.Held lock = store.blobs().locks().lock(ref.digest)) {
      if (!indexed(ref)) {
        throw notFound(location);
      }
      dropReference(ref); // first: without its label the image is gone, whatever follows
      Files.deleteIfExists(layout.image(ref.imageId));
    } catch (IOException e) {
      throw IoFailures.onWrite("deleting " + location, e);
    }
  }

  /** Removes the image's label; deletes the blob when no image label remains. Holds the stripe. */
  private void dropReference(Ref ref) throws IOException {
    if (!Files.exists(layout.blob(ref.digest))) {
      return;
    }
    BlobMeta meta = store.blobs().metaOf(ref.digest);
    Map<String, String> labels = new TreeMap<>(meta.labels());
    labels.remove(LABEL_PREFIX + ref.imageId);
    if (labels.keySet().stream().noneMatch(k -> k.startsWith(LABEL_PREFIX))) {
      try {
        store.blobs().deleteLocked(ref.digest);
      } catch (NotFoundException e) {
        // Deleted through the content API meanwhile.
      }
    } else {
      new BlobMeta(meta.createdAt(), Instant.now(), Labels.copyOf(labels))
          .write(layout.meta(ref.digest));
    }
  }

  boolean owns(URI uri) {
    try {
      return indexed(parse(uri));
    } catch (BadLocationException e) {
      return false;
    }
  }

  private Ref stored(Location location) {
    Ref ref = parse(location.uri());
    if (!indexed(ref)) {
      throw notFound(location);
    }
    return ref;
  }

  private boolean indexed(Ref ref) {
    return storedDigest(ref.imageId).filter(ref.digest::equals).isPresent();
  }

  /**
   * The digest of image {@code id} if it is stored: its index entry names a blob that exists and
   * carries the image's label. An entry without that (a crash between the two steps) is not.
   */
  private Optional<Digest> storedDigest(String id) {
    Digest digest;
    try {
      digest = Digest.parse(Files.readString(layout.image(id), StandardCharsets.US_ASCII));
    } catch (IOException | InvalidRequestException e) {
      return Optional.empty();
    }
    try {
      if (!Files.exists(layout.blob(digest))
          || !store.blobs().metaOf(digest).labels().containsKey(LABEL_PREFIX + id)) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw IoFailures.onRead("reading image \"" + id + "\"", e);
    }
    return Optional.of(digest);
  }

  private Location location(Digest digest, String imageId) {
    try {
      URI uri = new URI(SCHEME, null, "/" + digest.algorithm().id() + "/" + digest.hex(),
          "image=" + imageId, null);
      return Location.of(uri, storeId, Map.of());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot form a location for image " + imageId, e);
    }
  }

  private static Ref parse(URI uri) {
    if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw new BadLocationException("location \"" + uri + "\" is not a content: location");
    }
    String path = uri.getPath();
    String query = uri.getQuery();
    if (path == null || query == null || !query.startsWith("image=")) {
      throw new BadLocationException("location \"" + uri
          + "\" is not of the form content:///<alg>/<hex>?image=<id>");
    }
    String[] parts = path.split("/", -1);
    try {
      if (parts.length != 3 || !parts[0].isEmpty()) {
        throw new InvalidRequestException("expected /<alg>/<hex>");
      }
      Digest digest = Digest.parse(parts[1] + ":" + parts[2]);
      return new Ref(digest, ImageIds.requireValid(query.substring("image=".length())));
    } catch (InvalidRequestException e) {
      throw new BadLocationException("location \"" + uri + "\": " + e.getMessage());
    }
  }

  private static DuplicateException duplicate(String id) {
    return new DuplicateException("image \"" + id + "\" is already stored");
  }

  private static NotFoundException notFound(Location location) {
    return new NotFoundException("no image at " + location);
  }
}
