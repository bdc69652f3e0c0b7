package io.stowage.app.image;

import io.stowage.api.TaskScheduler;
import io.stowage.app.Host;
import io.stowage.app.registry.ImageRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image service over this host's configured registry and stores, with what it holds open:
 * what {@code stowage serve} and {@code stowage image} run on. Several processes may open it
 * on the same registry and stores at once (the registry serialises status changes; stores
 * commit by rename). The leases of this process's uploads are renewed in the background
 * ({@link UploadRecovery}).
 */
public final class LocalImageService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalImageService.class);

  private final ImageRegistry registry;
  private final ImageService service;
  private final TaskScheduler scheduler;
  private final TaskScheduler.Scheduled heartbeat;
  private Optional<TaskScheduler.Scheduled> sweeps = Optional.empty();

  private LocalImageService(ImageRegistry registry, ImageService service, TaskScheduler scheduler) {
    this.registry = registry;
    this.service = service;
    this.scheduler = scheduler;
    Duration renew = service.uploads().settings().renewEvery();
    this.heartbeat = scheduler.repeatedly("upload-lease-heartbeat", renew, renew,
        service.uploads()::heartbeat);
  }

  /**
   * Opens the registry {@code host}'s configuration names and the service over it.
   *
   * @throws io.stowage.api.UnavailableException the registry cannot be opened
   */
  public static LocalImageService open(Host host) {
    ImageRegistry registry = ImageRegistry.open(host.config().registry());
    UploadRecovery recovery = new UploadRecovery(
        registry, host.imageStorage(), host.config().uploads(), Clock.systemUTC());
    return new LocalImageService(registry,
        new ImageService(registry, host.imageStorage(), host.config().quota(), recovery),
        host.scheduler());
  }

  public ImageService service() {
    return service;
  }

  /**
   * Returns the uploads that died (their process crashed) to {@code queued} now, then keeps
   * doing so every half stale time: what a server does while it runs.
   *
   * @return the images requeued now
   * @throws io.stowage.api.UnavailableException the registry cannot be reached now
   */
  public List<String> superviseUploads() {
    List<String> requeued = service.uploads().sweep();
    Duration every = service.uploads().settings().staleAfter().dividedBy(2);
    synchronized (this) {
      if (sweeps.isEmpty()) {
        sweeps = Optional.of(scheduler.repeatedly("upload-lease-sweep", every, every, () -> {
          try {
            service.uploads().sweep();
          } catch (RuntimeException e) {
            LOG.warn("sweeping dead uploads failed: {}", e.getMessage());
          }
        }));
      }
    }
    return requeued;
  }

  /** Stops the background tasks and closes the registry (the host is the caller's to close). */
  @Override
  public void close() {
    heartbeat.cancel();
    synchronized (this) {
      sweeps.ifPresent(TaskScheduler.Scheduled::cancel);
    }
    registry.close();
  }
}
