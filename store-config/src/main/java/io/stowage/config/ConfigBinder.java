package io.stowage.config;

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
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.DataSize;
import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Binds YAML to configuration types the way the Stowage host does — the host uses this class —
 * so that a plugin's tests see exactly what an operator's {@code stowage.yaml} gives the plugin:
 * snake_case keys ({@code chunk_size} → {@code chunkSize}), unknown keys refused, absent keys
 * {@code null}, a key given twice refused, {@link DataSize} from {@code 64KiB}, {@link Duration} from {@code 30s} or
 * {@code 1d}, {@link Path} as written. Every error is a {@link BadStoreConfigurationException}
 * whose path names the offending key.
 *
 * <pre>{@code
 * Store store = new ConfigBinder().create(new MyStoreProvider(), """
 *     dir: images
 *     level: 9
 *     """, new InstanceContext("tck", workDir));
 * }</pre>
 *
 * <p>Thread-safe once built.
 */
public final class ConfigBinder {
  private final ObjectMapper yaml;

  /** A binder with the host's settings. */
  public ConfigBinder() {
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

  /** Larger configuration texts are refused before parsing. */
  public static final int MAX_BYTES = YamlTree.MAX_BYTES;

  /**
   * Parses YAML into a tree, more strictly than YAML itself: a key given twice is an error,
   * nesting is bounded, a whole number means its digits as written ({@code 0640} is 640, not
   * octal); an empty document is an empty mapping.
   *
   * @param source names the text in error messages (a file name)
   * @throws BadStoreConfigurationException the text is too large or not such YAML (with line
   *     and column)
   */
  public JsonNode read(byte[] text, String source) {
    JsonNode root = YamlTree.read(text, source);
    return root.isNull() ? JsonNodeFactory.instance.objectNode() : root;
  }

  /** {@link #read(byte[], String)} of a string. */
  public JsonNode read(String text) {
    return read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "the YAML text");
  }

  /**
   * Binds a subtree to {@code type}.
   *
   * @param path where the subtree sits, put in front of error paths (for example
   *     {@code stores.fast}); empty for paths relative to the subtree
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

  /** Binds YAML text to {@code type}; error paths are relative to the text's root. */
  public <T> T bind(String yamlText, Class<T> type) {
    return bind(read(yamlText), type, "");
  }

  /**
   * Builds a store as the host does from one store's YAML subtree: a {@code type:} key, if
   * present, must name {@code provider}'s type and is not bound; the rest is bound to
   * {@code provider.configType()} and handed to {@code provider.create}.
   *
   * @throws BadStoreConfigurationException the YAML or a value is wrong
   */
  public <C> Store create(StoreProvider<C> provider, String yamlText, InstanceContext context) {
    JsonNode node = read(yamlText);
    if (!node.isObject()) {
      throw new BadStoreConfigurationException("", "a store's settings are a mapping of keys");
    }
    ObjectNode settings = ((ObjectNode) node).deepCopy();
    JsonNode type = settings.remove("type");
    if (type != null && !provider.type().equals(type.asText())) {
      throw new BadStoreConfigurationException(
          "type", "is " + type.asText() + ", not " + provider.type());
    }
    return provider.create(bind(settings, provider.configType(), ""), context);
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
