package io.stowage.app.image;

import io.stowage.api.StowageException;
import io.stowage.app.registry.ImageRegistry;
import io.stowage.app.registry.UploadLease;
import io.stowage.app.service.ImageStorage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells crashed uploads from live ones and returns the crashed ones to {@code queued}, so a
 * retry can upload again (Glance leaves them in {@code saving} forever).
 *
 * <p>Each upload this process runs holds a lease in the registry naming the process
 * ({@code host/pid/start time}), renewed by {@link #heartbeat} every
 * {@link UploadLeaseSettings#renewEvery}. An image in {@code saving} is dead when its lease was
 * not renewed for {@link UploadLeaseSettings#staleAfter}, or at once when its holder ran on this
 * host and that process is gone (a restarted server recovers its own crash without waiting).
 * The requeue is the registry's compare-and-set on the lease as seen, so several servers
 * sweeping one PostgreSQL registry requeue each dead upload once and never a live one.
 *
 * <p>Partial data: the stores' temporary files are locked by their writer and removed when a
 * store starts ({@code AtomicFile.removeAbandoned}); a requeue builds the stores not built yet
 * so that happens now, and deletes data the upload's store committed under the image id but the
 * registry never recorded ({@code Store.locate}). Thread-safe.
 */
public final class UploadRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(UploadRecovery.class);
  private static final String HOST = hostName();
  private static final long PID = ProcessHandle.current().pid();
  /** This process, as leases name it. */
  static final String HOLDER = HOST + "/" + PID + "/" + startOf(ProcessHandle.current()).orElse(0L);

  private final ImageRegistry registry;
  private final ImageStorage storage;
  private final UploadLeaseSettings settings;
  private final Clock clock;
  private final Set<String> live = ConcurrentHashMap.newKeySet();

  public UploadRecovery(ImageRegistry registry, ImageStorage storage,
      UploadLeaseSettings settings, Clock clock) {
    this.registry = registry;
    this.storage = storage;
    this.settings = settings;
    this.clock = clock;
  }

  public UploadLeaseSettings settings() {
    return settings;
  }

  /** Called after this process moved the image to {@code saving}. */
  void started(String imageId, Optional<String> storeId) {
    live.add(imageId);
    try {
      registry.leases().take(imageId, HOLDER, storeId.or(this::defaultStore));
    } catch (StowageException e) {
      // Without a lease the upload is judged by the image's age: still safe, only slower.
      LOG.warn("image {}: cannot record the upload's lease: {}", imageId, e.getMessage());
    }
  }

  /** Called when this process's upload of the image ended, whichever way. */
  void ended(String imageId) {
    live.remove(imageId);
    try {
      registry.leases().release(imageId, HOLDER);
    } catch (StowageException e) {
      LOG.warn("image {}: cannot release the upload's lease: {}", imageId, e.getMessage());
    }
  }

  /** Renews the leases of the uploads this process runs; nothing (no registry) when none. */
  public void heartbeat() {
    if (!live.isEmpty()) {
      registry.leases().renewAll(HOLDER);
    }
  }

  /**
   * Returns every dead upload to {@code queued} and starts the stores they wrote to, which
   * removes their partial data.
   *
   * @return the images requeued
   */
  public List<String> sweep() {
    List<String> requeued = new java.util.ArrayList<>();
    for (UploadLease lease : registry.leases().saving()) {
      if (isDead(lease) && requeue(lease)) {
        requeued.add(lease.imageId());
      }
    }
    return requeued;
  }

  /** Requeues the image if its upload is dead. @return whether it was requeued now */
  boolean requeueIfDead(String imageId) {
    for (UploadLease lease : registry.leases().saving()) {
      if (lease.imageId().equals(imageId) && isDead(lease)) {
        return requeue(lease);
      }
    }
    return false;
  }

  /**
   * Requeues the dead upload, then removes what it left: data its store committed under the
   * image id that the registry never recorded (killed between the store's commit and
   * {@code active}), and, by starting the stores not started yet, temporary files.
   */
  private boolean requeue(UploadLease lease) {
    if (!registry.leases().requeue(lease)) {
      return false; // renewed, finished or requeued by another process meanwhile
    }
    String id = lease.imageId();
    LOG.warn("image {}: its upload by {} is dead (no heartbeat since {}); back to queued", id,
        lease.holder().orElse("an unknown process"), lease.renewedAt());
    try {
      storage.stores(); // starting a store removes the temporary files no live writer holds
      boolean recorded = registry.find(id).map(i -> !i.locations().isEmpty()).orElse(true);
      if (lease.storeId().isPresent() && !recorded) {
        storage.locate(lease.storeId().get(), id).ifPresent(location -> {
          LOG.warn("image {}: removing the unrecorded data {} of its dead upload", id, location);
          storage.delete(location);
        });
      }
    } catch (StowageException e) {
      LOG.warn("image {}: cannot remove what its dead upload left: {}", id, e.getMessage());
    }
    return true;
  }

  private Optional<String> defaultStore() {
    try {
      return Optional.of(storage.defaultStoreId());
    } catch (StowageException e) {
      return Optional.empty(); // several stores, none the default: the upload fails anyway
    }
  }

  boolean isDead(UploadLease lease) {
    boolean expired = Duration.between(lease.renewedAt(), Instant.now(clock))
        .compareTo(settings.staleAfter()) > 0;
    if (lease.holder().isEmpty()) {
      return expired;
    }
    String holder = lease.holder().get();
    if (holder.equals(HOLDER)) {
      return !live.contains(lease.imageId()) && expired;
    }
    return expired || localProcessGone(holder);
  }

  /** Whether {@code holder} ran on this host and no such process runs now. */
  static boolean localProcessGone(String holder) {
    String[] parts = holder.split("/");
    if (parts.length != 3 || !parts[0].equals(HOST)) {
      return false;
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(parts[1]);
      start = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    // A pid is reused: the same pid with another start time is another process.
    return process.isEmpty() || !startOf(process.get()).equals(Optional.of(start))
        && startOf(process.get()).isPresent();
  }

  private static Optional<Long> startOf(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
  }
}
