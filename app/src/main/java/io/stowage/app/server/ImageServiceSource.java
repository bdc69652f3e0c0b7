package io.stowage.app.server;

import io.stowage.api.ByteRange;
import io.stowage.api.NotFoundException;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.image.ImageService;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.Scope;
import java.util.Optional;

/**
 * Where the prefetcher finds queued images: the image service, as an admin. An image that was
 * deleted or has no data (any more) is not found, so it leaves the queue. Thread-safe.
 */
public final class ImageServiceSource implements ImageCache.ImageSource {
  private final ImageService images;

  public ImageServiceSource(ImageService images) {
    this.images = images;
  }

  @Override
  public Optional<ImageCache.Fetch> find(String imageId) {
    ImageRecord image;
    try {
      image = images.show(Scope.ADMIN, imageId);
    } catch (NotFoundException e) {
      return Optional.empty();
    }
    if (!ImageService.hasData(image)) {
      return Optional.empty();
    }
    return Optional.of(new ImageCache.Fetch(expected(image),
        () -> images.download(Scope.ADMIN, image, ByteRange.ALL)));
  }

  /** The size and md5 the registry records for the image; the cache checks them on commit. */
  static ExpectedImage expected(ImageRecord image) {
    ExpectedImage expected = ExpectedImage.unknown().withSize(image.size().orElseThrow());
    Optional<String> md5 = image.checksum().filter(c -> c.matches("[0-9a-f]{32}"));
    return md5.isPresent() ? expected.withMd5(md5.get()) : expected;
  }
}
