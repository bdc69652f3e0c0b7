package io.stowage.app.config;


import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.DataSize;
import io.stowage.api.HashAlgorithm;
import io.stowage.config.ConfigBinder;
import io.stowage.api.InvalidRequestException;
import io.stowage.app.image.ProjectQuota;
import io.stowage.app.image.UploadLeaseSettings;
import io.stowage.app.registry.RegistrySettings;
import io.stowage.app.server.ServerSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the YAML configuration and binds configuration subtrees to plugins' config types.
 * Every error is a {@link BadStoreConfigurationException} whose path names the key; errors in
 * the host's own sections also give the key's line and column.
 */
public final class ConfigLoader {
  /** The name shown for the configuration built into the host. */
  public static final String EMBEDDED = "embedded defaults";

  /** The embedded registry beside the default data folder, relative to the config's folder. */
  static final String DEFAULT_REGISTRY_URL = "jdbc:sqlite:../data/registry.db";

  private static final Set<String> TOP_LEVEL =
      Set.of("plugins", "server", "registry", "hashing", "image", "default_store", "stores",
          "cache", "quota", "uploads");

  private final ConfigBinder binder = new ConfigBinder();

  public ConfigLoader() {}

  /**
   * Reads a configuration file.
   *
   * @throws BadStoreConfigurationException the file is missing, a folder, a dangling link,
   *     unreadable, too large, or not a valid configuration
   */
  public HostConfig load(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    return parse(readConfigFile(absolute), absolute.toString(), absolute.getParent());
  }

  private static byte[] readConfigFile(Path file) {
    if (Files.isDirectory(file)) {
      throw new BadStoreConfigurationException("", "configuration file " + file + " is a folder");
    }
    if (!Files.exists(file)) {
      if (Files.isSymbolicLink(file)) {
        String target;
        try {
          target = Files.readSymbolicLink(file).toString();
        } catch (IOException e) {
          target = "a missing file";
        }
        throw new BadStoreConfigurationException("", "configuration file " + file
            + " is a link to " + target + ", which does not exist");
      }
      throw new BadStoreConfigurationException("", "configuration file " + file + " does not exist");
    }
    try (InputStream in = Files.newInputStream(file)) {
      // One byte over the limit is enough to refuse it, whatever its real size.
      return in.readNBytes(ConfigBinder.MAX_BYTES + 1);
    } catch (AccessDeniedException e) {
      throw new BadStoreConfigurationException("", "cannot read configuration file " + file
          + ": permission denied");
    } catch (IOException e) {
      throw new BadStoreConfigurationException("", "cannot read configuration file " + file
          + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  /** The configuration built into the host, with paths relative to {@code baseDir}. */
  public HostConfig embedded(Path baseDir) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("stowage-default.yaml")) {
      return parse(in.readAllBytes(), EMBEDDED, baseDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HostConfig parse(byte[] text, String source, Path baseDir) {
    JsonNode root = binder.read(text, source);
    try {
      return parse(root, source, baseDir);
    } catch (BadStoreConfigurationException e) {
      throw KeyLocations.locate(e, text);
    }
  }

  private HostConfig parse(JsonNode root, String source, Path baseDir) {
    if (!root.isObject()) {
      throw new BadStoreConfigurationException("", source + " must be a mapping of keys to values");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!TOP_LEVEL.contains(key)) {
        throw new BadStoreConfigurationException(key, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)) + ")");
      }
    }
    Sections.Plugins plugins = bindSection(root, "plugins", Sections.Plugins.class, new Sections.Plugins(null));
    Sections.Hashing hashing = bindSection(root, "hashing", Sections.Hashing.class, new Sections.Hashing(null));
    Sections.Image image = bindSection(root, "image", Sections.Image.class, new Sections.Image(null));
    Sections.Registry registrySection = bindSection(
        root, "registry", Sections.Registry.class, new Sections.Registry(null, null, null, null));
    Sections.Server server = bindSection(
        root, "server", Sections.Server.class, new Sections.Server(null, null, null, null));
    Sections.Quota quota = bindSection(root, "quota", Sections.Quota.class, new Sections.Quota(null));
    Sections.Uploads uploads =
        bindSection(root, "uploads", Sections.Uploads.class, new Sections.Uploads(null));

    HashAlgorithm algorithm;
    try {
      algorithm = hashing.algorithm() == null ? HashAlgorithm.SHA512 : HashAlgorithm.of(hashing.algorithm());
    } catch (InvalidRequestException e) {
      throw new BadStoreConfigurationException("hashing.algorithm", e.getMessage());
    }

    Map<String, ObjectNode> stores = new LinkedHashMap<>();
    JsonNode storesNode = root.path("stores");
    if (!storesNode.isMissingNode() && !storesNode.isNull()) {
      if (!storesNode.isObject()) {
        throw new BadStoreConfigurationException("stores", "must map store ids to store settings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = storesNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String id = e.getKey();
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
          throw new BadStoreConfigurationException(
              "stores." + id, "a store id is 1-64 letters, digits, '_', '.' or '-'");
        }
        if (!e.getValue().isObject()) {
          throw new BadStoreConfigurationException("stores." + id, "must be a mapping with a type");
        }
        ObjectNode body = (ObjectNode) e.getValue();
        if (!body.path("type").isTextual() || body.path("type").asText().isBlank()) {
          throw new BadStoreConfigurationException("stores." + id + ".type", "is required (for example filesystem)");
        }
        stores.put(id, body);
      }
    }
    Optional<String> defaultStore = Optional.ofNullable(root.get("default_store"))
        .filter(n -> !n.isNull()).map(JsonNode::asText);
    if (defaultStore.isPresent() && !stores.containsKey(defaultStore.get())) {
      throw new BadStoreConfigurationException(
          "default_store", "names store \"" + defaultStore.get() + "\", which is not configured under stores");
    }
    Optional<ObjectNode> cache = Optional.ofNullable(root.get("cache")).filter(JsonNode::isObject).map(ObjectNode.class::cast);

    Path pluginsDir = baseDir.resolve(plugins.dir() == null ? "plugins" : plugins.dir()).normalize();
    // A default folder that is absent just means no plugins; a named one that is absent is a typo.
    if (plugins.dir() != null && !Files.isDirectory(pluginsDir)) {
      throw new BadStoreConfigurationException("plugins.dir", pluginsDir
          + (Files.exists(pluginsDir) ? " is not a folder" : " does not exist"));
    }
    DataSize cap = image.sizeCap() == null ? DataSize.parse("1TiB") : image.sizeCap();
    RegistrySettings registry = new RegistrySettings(
        registrySection.url() == null ? DEFAULT_REGISTRY_URL : registrySection.url(),
        Optional.ofNullable(registrySection.user()),
        Optional.ofNullable(registrySection.password()),
        registrySection.maxPoolSize() == null
            ? RegistrySettings.DEFAULT_POOL_SIZE : registrySection.maxPoolSize())
        .resolvedAgainst(baseDir);
    return new HostConfig(source, baseDir, pluginsDir, algorithm, cap, defaultStore, stores,
        cache, registry, serverSettings(server), new ProjectQuota(Optional.ofNullable(quota.perProject())),
        uploads.staleAfter() == null
            ? UploadLeaseSettings.DEFAULT : new UploadLeaseSettings(uploads.staleAfter()));
  }

  private static ServerSettings serverSettings(Sections.Server s) {
    return new ServerSettings(
        s.host() == null ? ServerSettings.DEFAULT_HOST : s.host(),
        s.port() == null ? ServerSettings.DEFAULT_PORT : s.port(),
        s.workerThreads() == null ? ServerSettings.DEFAULT_WORKER_THREADS : s.workerThreads(),
        s.auth() == null || s.auth().tokens() == null ? Map.of() : s.auth().tokens());
  }

  private <T> T bindSection(JsonNode root, String name, Class<T> type, T absent) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return absent;
    }
    return bind(node, type, name);
  }

  /**
   * Binds a subtree to {@code type}, as {@link ConfigBinder} (shared with plugins' tests) does.
   *
   * @param path where the subtree sits, used in error messages (for example {@code stores.fast});
   *     empty for paths relative to the subtree
   * @throws BadStoreConfigurationException naming the exact key that is wrong
   */
  public <T> T bind(JsonNode node, Class<T> type, String path) {
    return binder.bind(node, type, path);
  }
}
