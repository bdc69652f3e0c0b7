package io.stowage.app.image;

import io.stowage.app.Host;
import io.stowage.app.registry.ImageRegistry;

/**
 * The image service over this host's configured registry and stores, with what it holds open:
 * what {@code stowage serve} and {@code stowage image} run on. Several processes may open it
 * on the same registry and stores at once (the registry serialises status changes; stores
 * commit by rename).
 */
public final class LocalImageService implements AutoCloseable {
  private final ImageRegistry registry;
  private final ImageService service;

  private LocalImageService(ImageRegistry registry, ImageService service) {
    this.registry = registry;
    this.service = service;
  }

  /**
   * Opens the registry {@code host}'s configuration names and the service over it.
   *
   * @throws io.stowage.api.UnavailableException the registry cannot be opened
   */
  public static LocalImageService open(Host host) {
    ImageRegistry registry = ImageRegistry.open(host.config().registry());
    return new LocalImageService(
        registry, new ImageService(registry, host.imageStorage(), host.config().quota()));
  }

  public ImageService service() {
    return service;
  }

  /** Closes the registry (the host is the caller's to close). */
  @Override
  public void close() {
    registry.close();
  }
}
