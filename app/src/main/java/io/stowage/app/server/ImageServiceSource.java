package io.stowage.app.server;

import io.stowage.api.ByteRange;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.Multihash;
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

  /**
   * The size, md5 ({@code checksum}) and multihash ({@code os_hash_algo}/{@code os_hash_value})
   * the registry records for the image; the cache checks every one present on commit. A
   * multihash whose algorithm Stowage does not know is left unchecked (the md5 and size still
   * are).
   */
  static ExpectedImage expected(ImageRecord image) {
    ExpectedImage expected = ExpectedImage.unknown().withSize(image.size().orElseThrow());
    Optional<String> md5 = image.checksum().filter(c -> c.matches("[0-9a-f]{32}"));
    if (md5.isPresent()) {
      expected = expected.withMd5(md5.get());
    }
    Optional<Multihash> multihash = multihash(image);
    return multihash.isPresent() ? expected.withMultihash(multihash.get()) : expected;
  }

  private static Optional<Multihash> multihash(ImageRecord image) {
    if (image.osHashAlgo().isEmpty() || image.osHashValue().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Multihash(HashAlgorithm.of(image.osHashAlgo().get()),
          image.osHashValue().get().toLowerCase(java.util.Locale.ROOT)));
    } catch (InvalidRequestException e) {
      return Optional.empty();
    }
  }
}
