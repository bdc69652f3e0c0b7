package io.stowage.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stowage.api.BadStoreConfigurationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Top-level configuration sections that components outside the host core bind themselves
 * ({@code server:}, {@code quota:}): read from the same file as the {@link HostConfig}, then
 * bound with {@link ConfigLoader#bind} so errors name the key.
 */
public final class ConfigSections {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigSections() {}

  /**
   * The section {@code name} of the file {@code config} came from, bound to {@code type}; empty
   * when the section is absent or the configuration is the embedded defaults.
   *
   * @throws BadStoreConfigurationException if the section does not bind
   */
  public static <T> Optional<T> bind(
      HostConfig config, ConfigLoader loader, String name, Class<T> type) {
    if (config.source().equals(ConfigLoader.EMBEDDED)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = YAML.readTree(Path.of(config.source()).toFile());
    } catch (IOException e) {
      throw new BadStoreConfigurationException(
          "", "cannot read configuration file " + config.source() + ": " + e.getMessage());
    }
    JsonNode node = root == null ? null : root.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    return Optional.of(loader.bind(node, type, name));
  }
}
