package io.stowage.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stowage.api.BadStoreConfigurationException;
import java.io.IOException;
import java.util.Optional;

/**
 * Where a key sits in the configuration text, for error messages: binding works on a tree that
 * no longer knows lines, so an error naming a key ({@code server.prot}) is given the line and
 * column of that key — or, for a key that is missing, of the nearest enclosing one — by walking
 * the text again, the way {@code YamlTree} names paths.
 */
final class KeyLocations {
  private static final YAMLFactory YAML = new YAMLFactory();

  private KeyLocations() {}

  /**
   * {@code e} with {@code (line L, column C)} of its key appended; {@code e} itself when it names
   * no key, has a location already, or the key is not in {@code text}.
   */
  static BadStoreConfigurationException locate(BadStoreConfigurationException e, byte[] text) {
    if (e.path().isEmpty() || e.reason().contains("line ")) {
      return e;
    }
    for (String path = e.path(); !path.isEmpty(); path = parent(path)) {
      Optional<JsonLocation> at = find(text, path);
      if (at.isPresent()) {
        return new BadStoreConfigurationException(e.path(), e.reason() + " (line "
            + at.get().getLineNr() + ", column " + at.get().getColumnNr() + ")", e);
      }
    }
    return e;
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    int cut = Math.max(dot, bracket);
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** The location of the key (or list item) at {@code path}, if the text has it. */
  static Optional<JsonLocation> find(byte[] text, String path) {
    try (JsonParser p = YAML.createParser(text)) {
      return p.nextToken() == null ? Optional.empty() : find(p, "", path);
    } catch (IOException e) {
      return Optional.empty(); // the text was parsed once already; nothing to add then
    }
  }

  private static Optional<JsonLocation> find(JsonParser p, String at, String target)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String child = at.isEmpty() ? p.currentName() : at + "." + p.currentName();
        JsonLocation location = p.currentTokenLocation();
        if (child.equals(target)) {
          return Optional.of(location);
        }
        p.nextToken();
        Optional<JsonLocation> found = find(p, child, target);
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (t == JsonToken.START_ARRAY) {
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        String child = at + "[" + i++ + "]";
        if (child.equals(target)) {
          return Optional.of(p.currentTokenLocation());
        }
        Optional<JsonLocation> found = find(p, child, target);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }
}
