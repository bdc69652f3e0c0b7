package io.stowage.config;

import io.stowage.api.BadStoreConfigurationException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Reads configuration YAML into a tree, more strictly than YAML itself: a key given twice is an
 * error (YAML parsers keep the last silently), nesting is bounded, and a whole number means the
 * digits as written — YAML 1.1 reads {@code 0640} as the octal number 416, which turned the
 * mode everyone writes as {@code 0640} into {@code -r----xrw-}. Here {@code 0640} is 640.
 */
final class YamlTree {
  /** Larger configuration files are refused before parsing. */
  static final int MAX_BYTES = 1 << 20;

  private static final int MAX_DEPTH = 32;
  private static final Pattern LEADING_ZERO = Pattern.compile("[+-]?0[0-9]+");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final YAMLFactory YAML = new YAMLFactory();

  private final String source;

  private YamlTree(String source) {
    this.source = source;
  }

  /**
   * The document in {@code yaml} as a tree; an empty document is an empty mapping.
   *
   * @throws BadStoreConfigurationException it is too large, not YAML (with line and column),
   *     nested too deeply, or gives a key twice
   */
  static JsonNode read(byte[] yaml, String source) {
    if (yaml.length > MAX_BYTES) {
      throw new BadStoreConfigurationException("", source + " is " + yaml.length
          + " bytes; a configuration file may have at most " + MAX_BYTES + " bytes");
    }
    YamlTree reader = new YamlTree(source);
    try (JsonParser p = YAML.createParser(yaml)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return NODES.objectNode();
      }
      JsonNode root = reader.value(p, "", 0);
      if (p.nextToken() != null) {
        throw reader.error(p.currentLocation(), "has more than one document");
      }
      return root;
    } catch (JsonProcessingException e) {
      String reason = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
      throw reader.error(e.getLocation(), "is not valid YAML: " + reason.lines().findFirst().orElse(reason));
    } catch (IOException e) {
      throw new BadStoreConfigurationException("", "cannot read " + source + ": " + e.getMessage());
    }
  }

  private JsonNode value(JsonParser p, String path, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw error(p.currentLocation(), "nests deeper than " + MAX_DEPTH + " levels");
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonLocation at = p.currentTokenLocation();
          String child = path.isEmpty() ? key : path + "." + key;
          p.nextToken();
          JsonNode v = value(p, child, depth + 1);
          if (object.has(key)) {
            throw new BadStoreConfigurationException(child, "is given twice (again at line "
                + at.getLineNr() + ", column " + at.getColumnNr() + ")");
          }
          object.set(key, v);
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(p, path + "[" + i++ + "]", depth + 1));
        }
        return array;
      }
      case VALUE_NUMBER_INT: {
        String text = p.getText();
        return narrow(LEADING_ZERO.matcher(text).matches()
            ? new BigInteger(text, 10) : p.getBigIntegerValue());
      }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDecimalValue());
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_TRUE:
      case VALUE_FALSE:
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw error(p.currentLocation(), "has an unexpected " + t);
    }
  }

  private static JsonNode narrow(BigInteger n) {
    if (n.bitLength() < 32) {
      return NODES.numberNode(n.intValue());
    }
    if (n.bitLength() < 64) {
      return NODES.numberNode(n.longValue());
    }
    return NODES.numberNode(n);
  }

  private BadStoreConfigurationException error(JsonLocation at, String what) {
    String where = at == null || at.getLineNr() < 1 ? ""
        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return new BadStoreConfigurationException("", source + " " + what + where);
  }
}
