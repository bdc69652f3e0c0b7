package io.stowage.filesystem;

import io.stowage.api.IoFailures;
import io.stowage.api.io.AtomicFile;

import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.ImageMeter;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Store;
import io.stowage.api.UnavailableException;
import io.stowage.api.WriteDeniedException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images as files named by their id in one of the configured folders. Adds write a locked,
 * hidden temporary file next to the final name, flush it, and link it to the final name (which
 * fails if that exists), so a reader or a crash never sees a partial image.
 */
final class FilesystemStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(FilesystemStore.class);
  private static final Set<Capability> CAPABILITIES =
      Set.of(Capability.READ, Capability.RANGED_READ, Capability.WRITE, Capability.DELETE);
  private static final Set<Capability> READ_ONLY = Set.of(Capability.READ, Capability.RANGED_READ);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String id;
  private final Settings settings;
  private final Locations locations;
  private final Optional<String> writeDenied;
  private final ExecutorService background;
  private volatile boolean closed;
  private final Object[] commitLocks = new Object[64];

  private FilesystemStore(String id, Settings settings, Optional<String> writeDenied) {
    this.id = id;
    this.settings = settings;
    this.locations = new Locations(settings.datadirs().stream().map(Datadir::path).toList());
    this.writeDenied = writeDenied;
    // Writeback of buffered adds, the writes of direct ones.
    this.background =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "stowage-fs-io-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < commitLocks.length; i++) {
      commitLocks[i] = new Object();
    }
  }

  /**
   * Prepares the folders (creating missing ones, removing leftovers of interrupted adds) and
   * returns the store. Folders that cannot be written leave the store read-only.
   */
  static FilesystemStore open(String id, Settings settings) {
    claim(id, settings);
    List<String> denied = new ArrayList<>();
    for (Datadir dir : settings.datadirs()) {
      prepare(dir, settings).ifPresent(denied::add);
    }
    if (!denied.isEmpty()) {
      LOG.warn("store {} refuses writes: {}", id, String.join("; ", denied));
    }
    return new FilesystemStore(
        id, settings, denied.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", denied)));
  }

  // Returns why the folder cannot be written, if it cannot.
  private static Optional<String> prepare(Datadir dir, Settings settings) {
    Path path = dir.path();
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new BadStoreConfigurationException(dir.key(), path + " is not a folder");
    }
    boolean created = !Files.exists(path);
    try {
      // createDirectories tolerates a concurrent creator.
      Files.createDirectories(path);
    } catch (IOException e) {
      if (IoFailures.isDenied(e)) {
        return Optional.of("data folder " + path + " cannot be created: " + IoFailures.describe(e));
      }
      throw new BadStoreConfigurationException(
          dir.key(), "data folder " + path + " cannot be created: " + IoFailures.describe(e), e);
    }
    if (created && settings.durable()) {
      try {
        fsyncFolder(path.getParent());
      } catch (IOException e) {
        LOG.warn("cannot flush {} after creating {}: {}", path.getParent(), path,
            IoFailures.describe(e));
      }
    }
    // A real write, not access(2): it sees read-only mounts and reports the errno. A full
    // disk is not a reason to refuse writes for good; each add reports it while it lasts.
    try {
      AtomicFile.create(path.resolve("probe"), "probe").close();
    } catch (IOException e) {
      if (IoFailures.isDenied(e)) {
        return Optional.of("data folder " + path + " is not writable: " + IoFailures.describe(e));
      }
      LOG.warn("cannot write a file in {}: {}", path, IoFailures.describe(e));
    }
    grantFolderAccess(path, settings.filePerm());
    try {
      AtomicFile.removeAbandoned(path).forEach(p -> LOG.info("removed {}, left by an interrupted add", p));
    } catch (IOException e) {
      LOG.warn("cannot list {} to remove leftovers: {}", path, IoFailures.describe(e));
    }
    return Optional.empty();
  }

  // Group or others granted access to images also need to pass through the folder.
  private static void grantFolderAccess(Path folder, FilePerm perm) {
    Set<PosixFilePermission> bits = perm.folderExecuteBits();
    if (bits.isEmpty()) {
      return;
    }
    try {
      Set<PosixFilePermission> mode = EnumSet.copyOf(Files.getPosixFilePermissions(folder));
      if (mode.addAll(bits)) {
        Files.setPosixFilePermissions(folder, mode);
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot add execute permission to {}: {}", folder, e.getMessage());
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Locations.SCHEMES;
  }

  @Override
  public Set<Capability> capabilities() {
    // A store whose folder refuses writes does not claim it can write or delete (`stores`).
    return writeDenied.isPresent() ? READ_ONLY : CAPABILITIES;
  }

  @Override
  public boolean owns(URI uri) {
    return locations.owns(uri);
  }

  @Override
  public AddResult add(AddRequest request) {
    if (closed) {
      throw new UnavailableException("store " + id + " is closed");
    }
    if (writeDenied.isPresent()) {
      throw new WriteDeniedException("store " + id + " is read-only: " + writeDenied.get());
    }
    String imageId = request.imageId();
    if (imageId.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new InvalidRequestException("image id is longer than a file name may be (255 bytes)");
    }
    for (Datadir dir : settings.datadirs()) {
      requireAbsent(dir.path().resolve(imageId));
    }
    Datadir dir =
        Placement.choose(
            settings.datadirs(), request.declaredSize().orElse(0), Placement.USABLE);
    Path target = dir.path().resolve(imageId);
    AtomicFile temp;
    try {
      temp = AtomicFile.create(target, imageId);
    } catch (IOException e) {
      throw IoFailures.onWrite("cannot create a file in " + dir.path(), e);
    }
    boolean committed = false;
    Optional<StoreSink> opened = Optional.empty();
    try {
      StoreSink sink = sinkFor(temp);
      opened = Optional.of(sink);
      ImageMeter.Reading reading =
          ImageMeter.copy(request, FileSink.blockSize(settings.chunkSize()), sink);
      sink.finish();
      finish(temp, reading.size());
      commit(imageId, temp, target);
      committed = true;
      if (settings.durable()) {
        syncFolder(dir.path(), target);
      }
      return reading.resultAt(Location.of(Locations.uriOf(target), id, metadataFor(target)));
    } catch (IOException e) {
      throw IoFailures.onWrite("writing image " + imageId + " in " + dir.path() + " failed", e);
    } catch (RejectedExecutionException e) {
      throw new UnavailableException("store " + id + " is closed", e);
    } finally {
      if (!committed) {
        temp.close();
      }
      // Only now: a direct sink's descriptor holds the temporary file, and closing it drops
      // this process's lock on it (see DirectSink).
      opened.ifPresent(StoreSink::close);
    }
  }

  // Direct I/O where configured and the file system takes it, else through the page cache
  // (with writeback started along the way when durable).
  private StoreSink sinkFor(AtomicFile temp) {
    if (settings.directIo()) {
      Optional<DirectSink> direct = DirectSink.open(temp.temporary(), temp.channel(),
          settings.chunkSize(), settings.thinProvisioning(), settings.durable(), background);
      if (direct.isPresent()) {
        return direct.get();
      }
    }
    return new FileSink(temp.channel(), settings.chunkSize(), settings.thinProvisioning(),
        settings.durable() ? new Flusher(temp.channel(), background) : null);
  }

  private void finish(AtomicFile temp, long size) throws IOException {
    if (settings.thinProvisioning() && temp.channel().size() < size) {
      temp.setLength(size);
    }
    Optional<Set<PosixFilePermission>> perms = settings.filePerm().filePermissions();
    if (perms.isPresent()) {
      Files.setPosixFilePermissions(temp.temporary(), perms.get());
    }
    if (settings.durable()) {
      temp.channel().force(true);
    }
  }

  // The link fails if the final name exists, so two adds of one id cannot both win, even from
  // two processes; the lock covers the check of the other folders.
  private void commit(String imageId, AtomicFile temp, Path target) throws IOException {
    synchronized (commitLocks[Math.floorMod(imageId.hashCode(), commitLocks.length)]) {
      for (Datadir other : settings.datadirs()) {
        requireAbsent(other.path().resolve(imageId));
      }
      try {
        // A hard link (or, without links, a checked rename): fails if the name exists.
        temp.commit(AtomicFile.Commit.NEW, false);
      } catch (FileAlreadyExistsException e) {
        throw duplicate(target);
      }
    }
  }

  private void syncFolder(Path folder, Path target) {
    try {
      fsyncFolder(folder);
    } catch (IOException e) {
      // Unsure to survive a crash, so not reported as stored: take it back.
      try {
        Files.deleteIfExists(target);
      } catch (IOException again) {
        LOG.warn("cannot remove {} after its folder failed to sync", target, again);
      }
      throw IoFailures.onWrite("flushing folder " + folder + " failed", e);
    }
  }

  static void fsyncFolder(Path folder) throws IOException {
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public Optional<Location> locate(String imageId) {
    if (imageId.isEmpty() || imageId.contains("/") || imageId.equals(".") || imageId.equals("..")
        || imageId.indexOf('\0') >= 0 || imageId.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new InvalidRequestException("image id cannot name a file in store " + id);
    }
    for (Datadir dir : settings.datadirs()) {
      Path file = dir.path().resolve(imageId);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(Location.of(Locations.uriOf(file), id, metadataFor(file)));
      }
    }
    return Optional.empty();
  }

  private Map<String, String> metadataFor(Path file) {
    return settings.metadata().map(m -> m.forFile(file)).orElse(Map.of());
  }

  private static void requireAbsent(Path file) {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw duplicate(file);
    }
  }

  private static DuplicateException duplicate(Path file) {
    return new DuplicateException("image file " + file + " already exists");
  }

  @Override
  public ImageData get(Location location, ByteRange range) {
    Path file = locations.fileOf(location.uri());
    FileChannel channel = null;
    try {
      requireImage(file);
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      long length = range.lengthWithin(channel.size());
      ImageData data = ImageData.ofFile(file, channel, range.offset(), length);
      channel = null;
      return data;
    } catch (NoSuchFileException e) {
      throw notFound(file);
    } catch (IOException e) {
      throw IoFailures.onRead("cannot open " + file, e);
    } finally {
      closeQuietly(channel);
    }
  }

  @Override
  public long size(Location location) {
    Path file = locations.fileOf(location.uri());
    try {
      return requireImage(file).size();
    } catch (NoSuchFileException e) {
      throw notFound(file);
    } catch (IOException e) {
      throw IoFailures.onRead("cannot read the size of " + file, e);
    }
  }

  @Override
  public void delete(Location location) {
    Path file = locations.fileOf(location.uri());
    try {
      requireImage(file);
      Files.delete(file);
      if (settings.durable()) {
        fsyncFolder(file.getParent());
      }
    } catch (NoSuchFileException e) {
      throw notFound(file);
    } catch (AccessDeniedException e) {
      throw new WriteDeniedException("cannot delete " + file + ": permission denied", e);
    } catch (IOException e) {
      throw IoFailures.onWrite("cannot delete " + file, e);
    }
  }

  private static BasicFileAttributes requireImage(Path file) throws IOException {
    BasicFileAttributes attrs =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new NotFoundException(file + " is not an image file");
    }
    return attrs;
  }

  private static NotFoundException notFound(Path file) {
    return new NotFoundException("no image file " + file);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing failed", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    background.shutdown();
    settings.datadirs().forEach(d -> FOLDERS.remove(d.path(), id));
  }

  // The data folders of the stores open in this JVM: two stores on one folder (or one inside
  // the other) would each take the other's images for theirs and delete its adds in progress.
  private static final java.util.Map<Path, String> FOLDERS = new java.util.concurrent.ConcurrentHashMap<>();

  private static synchronized void claim(String id, Settings settings) {
    for (Datadir dir : settings.datadirs()) {
      for (var e : FOLDERS.entrySet()) {
        boolean nested = dir.path().startsWith(e.getKey()) || e.getKey().startsWith(dir.path());
        if (nested && !e.getValue().equals(id)) {
          throw new BadStoreConfigurationException(dir.key(), "folder " + dir.path()
              + " is also a data folder of store \"" + e.getValue() + "\" (" + e.getKey()
              + "); give each store its own folder");
        }
      }
    }
    settings.datadirs().forEach(d -> FOLDERS.put(d.path(), id));
  }

  @Override
  public String toString() {
    return "filesystem store " + id;
  }

}
