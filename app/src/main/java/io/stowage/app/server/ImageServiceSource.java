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
   * What the cache checks an entry against on commit: the image's size and <em>one</em>
   * checksum, its multihash ({@code os_hash_algo}/{@code os_hash_value}) when it has one Stowage
   * knows, else its md5 ({@code checksum}).
   *
   * <p>One is enough: both were computed over the same bytes when the image was uploaded, so
   * bytes that match either are the image's; checking the second as well could only catch a
   * record whose two checksums disagree, which nothing writes, and would cost a second digest
   * of every byte (≈ 1.6 s of CPU per GiB on a 2-vCPU EPYC, md5 and sha512 alike) on a machine
   * that is at the same time sending those bytes to the client: on two cores the two digests
   * and the serving thread cannot all run at once, and the fill gets slower than the download
   * it tees. The multihash is the one kept because md5 is not collision-resistant: it is the
   * one an altered store cannot match on purpose. The {@code Content-MD5} a download sends
   * is the registry's md5 either way.
   */
  static ExpectedImage expected(ImageRecord image) {
    ExpectedImage expected = ExpectedImage.unknown().withSize(image.size().orElseThrow());
    Optional<Multihash> multihash = multihash(image);
    if (multihash.isPresent()) {
      return expected.withMultihash(multihash.get());
    }
    Optional<String> md5 = image.checksum().filter(c -> c.matches("[0-9a-f]{32}"));
    return md5.isPresent() ? expected.withMd5(md5.get()) : expected;
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
