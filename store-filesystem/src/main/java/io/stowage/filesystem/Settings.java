package io.stowage.filesystem;


import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link FilesystemConfig} that has been checked: every value usable as it is. */
record Settings(
    List<Datadir> datadirs,
    Optional<MountMetadata> metadata,
    FilePerm filePerm,
    int chunkSize,
    boolean thinProvisioning,
    boolean durable,
    boolean directIo) {

  static final long MIN_CHUNK = 512;
  static final long MAX_CHUNK = 64L << 20;

  Settings {
    datadirs = List.copyOf(datadirs);
  }

  /**
   * Checks {@code config}; relative paths are resolved against the configuration's folder.
   *
   * @throws BadStoreConfigurationException naming the key that is wrong
   */
  static Settings from(FilesystemConfig config, InstanceContext context) {
    List<Datadir> dirs = datadirs(config, context);
    Optional<MountMetadata> metadata = Optional.empty();
    if (!config.metadataFile().isBlank()) {
      Path file = resolve(context, config.metadataFile(), "metadata_file");
      metadata = Optional.of(MountMetadata.read(file, context));
    }
    FilePerm perm = FilePerm.parse(config.filePerm());
    long chunk = config.chunkSize().bytes();
    if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
      throw new BadStoreConfigurationException(
          "chunk_size",
          config.chunkSize() + " is outside the allowed 512 bytes to 64MiB");
    }
    return new Settings(
        dirs, metadata, perm, (int) chunk, config.thinProvisioning(), config.durable(),
        config.directIo());
  }

  private static List<Datadir> datadirs(FilesystemConfig config, InstanceContext context) {
    boolean one = !config.datadir().isBlank();
    boolean many = !config.datadirs().isEmpty();
    if (one && many) {
      throw new BadStoreConfigurationException(
          "datadir", "give either datadir or datadirs, not both");
    }
    if (!one && !many) {
      throw new BadStoreConfigurationException(
          "", "no data folder: give datadir or datadirs");
    }
    if (one) {
      Path path = resolve(context, config.datadir().strip(), "datadir");
      return List.of(new Datadir(path, 0, "datadir"));
    }
    List<Datadir> dirs = new ArrayList<>();
    Map<Path, String> seen = new HashMap<>();
    for (int i = 0; i < config.datadirs().size(); i++) {
      String key = "datadirs[" + i + "]";
      Datadir dir = parseEntry(config.datadirs().get(i), key, context);
      String earlier = seen.putIfAbsent(dir.path(), key);
      if (earlier != null) {
        throw new BadStoreConfigurationException(
            key, "folder " + dir.path() + " is already listed as " + earlier);
      }
      for (Datadir other : dirs) {
        if (dir.path().startsWith(other.path()) || other.path().startsWith(dir.path())) {
          // A folder inside another: its images would be found in both, and one's leftovers
          // cleanup would see the other's files.
          throw new BadStoreConfigurationException(key, "folder " + dir.path()
              + " and " + other.path() + " (" + other.key() + ") are nested; give folders apart");
        }
      }
      dirs.add(dir);
    }
    return dirs;
  }

  // "path:priority" split at the last colon, as glance_store does; "path" alone is priority 0.
  private static Datadir parseEntry(String entry, String key, InstanceContext context) {
    String path = entry.strip();
    long priority = 0;
    int colon = path.lastIndexOf(':');
    if (colon >= 0) {
      String digits = path.substring(colon + 1).strip();
      path = path.substring(0, colon).strip();
      if (!digits.isEmpty()) {
        priority = priority(digits, key);
      }
    }
    if (path.isEmpty()) {
      throw new BadStoreConfigurationException(key, "empty folder path in \"" + entry + "\"");
    }
    return new Datadir(resolve(context, path, key), priority, key);
  }

  private static long priority(String digits, String key) {
    if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new BadStoreConfigurationException(
          key, "priority \"" + digits + "\" is not a whole number");
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new BadStoreConfigurationException(key, "priority \"" + digits + "\" is too large");
    }
  }

  private static Path resolve(InstanceContext context, String path, String key) {
    try {
      return context.resolve(path);
    } catch (InvalidPathException e) {
      throw new BadStoreConfigurationException(
          key, "\"" + path + "\" is not a usable path: " + e.getReason());
    }
  }
}
