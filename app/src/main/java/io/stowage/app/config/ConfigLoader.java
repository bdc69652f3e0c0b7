package io.stowage.app.config;


import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.DataSize;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.InvalidRequestException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the YAML configuration and binds configuration subtrees to plugins' config types.
 * Every error is a {@link BadStoreConfigurationException} whose path names the key.
 */
public final class ConfigLoader {
  /** The name shown for the configuration built into the host. */
  public static final String EMBEDDED = "embedded defaults";

  private static final Set<String> TOP_LEVEL =
      Set.of("plugins", "server", "registry", "hashing", "image", "default_store", "stores",
          "cache");

  private final ObjectMapper yaml;

  public ConfigLoader() {
    SimpleModule values = new SimpleModule("stowage-config-values");
    values.addDeserializer(DataSize.class, new ValueDeserializers.DataSizes());
    values.addDeserializer(Duration.class, new ValueDeserializers.Durations());
    values.addDeserializer(Path.class, new ValueDeserializers.Paths());
    this.yaml =
        new ObjectMapper(new YAMLFactory())
            .registerModule(values)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

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
      return in.readNBytes(YamlTree.MAX_BYTES + 1);
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
    JsonNode root = YamlTree.read(text, source);
    if (root.isNull()) {
      root = yaml.createObjectNode();
    }
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
    return new HostConfig(source, baseDir, pluginsDir, algorithm, cap, defaultStore, stores, cache);
  }

  private <T> T bindSection(JsonNode root, String name, Class<T> type, T absent) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return absent;
    }
    return bind(node, type, name);
  }

  /**
   * Binds a subtree to {@code type}.
   *
   * @param path where the subtree sits, used in error messages (for example {@code stores.fast});
   *     empty for paths relative to the subtree
   * @throws BadStoreConfigurationException naming the exact key that is wrong
   */
  public <T> T bind(JsonNode node, Class<T> type, String path) {
    try {
      return yaml.treeToValue(node, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BadStoreConfigurationException(
          joinPath(path, e), "unknown key (known: " + e.getKnownPropertyIds() + ")");
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause();
      String reason = cause instanceof BadStoreConfigurationException b ? b.reason()
          : cause instanceof IllegalArgumentException iae && iae.getMessage() != null ? iae.getMessage()
          : e instanceof MismatchedInputException m ? expected(m)
          : "is not valid here";
      if (cause instanceof BadStoreConfigurationException b) {
        throw b.under(joinPath(path, e));
      }
      throw new BadStoreConfigurationException(joinPath(path, e), reason);
    } catch (JsonProcessingException e) {
      throw new BadStoreConfigurationException(path, e.getOriginalMessage());
    }
  }

  /** What a value of the wanted type looks like, in the configuration's words, not Java's. */
  private static String expected(MismatchedInputException e) {
    Class<?> type = e.getTargetType();
    String got = e instanceof InvalidFormatException f && f.getValue() != null
        ? "\"" + f.getValue() + "\" is not " : "expected ";
    if (type == null) {
      return "has a value of the wrong kind";
    }
    if (type == boolean.class || type == Boolean.class) {
      return got + "true or false";
    }
    if (type == int.class || type == long.class || type == Integer.class || type == Long.class
        || type == short.class || type == Short.class) {
      return got + "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return got + "a number";
    }
    if (type == String.class || type.isEnum()) {
      return got + "text";
    }
    if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
      return got + "a list";
    }
    return got + "a mapping of keys to values";
  }

  private static String joinPath(String base, JsonMappingException e) {
    StringBuilder sb = new StringBuilder(base);
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
