package io.stowage.filesystem;


import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata file: which mount point each image lands on, so that a client (Nova) can reach
 * the file directly. Read and checked once, at store start.
 */
final class MountMetadata {
  private static final String KEY = "metadata_file";

  /** One entry: its mount point (absolute, normalized) and every key of the entry. */
  record Entry(Path mountpoint, Map<String, String> values) {}

  private final List<Entry> entries;

  private MountMetadata(List<Entry> entries) {
    // Most specific mount point first, so a nested mount wins over the one it is mounted on.
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingInt((Entry e) -> e.mountpoint().getNameCount()).reversed());
    this.entries = List.copyOf(sorted);
  }

  /**
   * Reads {@code file}: a JSON object, or a list of objects, each with string {@code id} and
   * {@code mountpoint}; every other value must be a string too.
   *
   * @throws BadStoreConfigurationException the file is unreadable or not of that shape
   */
  static MountMetadata read(Path file, InstanceContext context) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (JacksonException e) {
      throw bad(file, "is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      Throwable cause = e.getCause() instanceof NoSuchFileException ? e.getCause() : e;
      throw bad(file, "cannot be read: " + cause.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw bad(file, "is empty");
    }
    List<Entry> entries = new ArrayList<>();
    if (root.isObject()) {
      entries.add(entry(root, file, "", context));
    } else if (root.isArray() && root.size() > 0) {
      for (int i = 0; i < root.size(); i++) {
        entries.add(entry(root.get(i), file, "[" + i + "]", context));
      }
    } else {
      throw bad(file, "must hold an object or a non-empty list of objects");
    }
    return new MountMetadata(entries);
  }

  /** The values of the entry whose mount point contains {@code file}, or none. */
  Map<String, String> forFile(Path file) {
    for (Entry e : entries) {
      if (file.startsWith(e.mountpoint())) {
        return e.values();
      }
    }
    return Map.of();
  }

  private static Entry entry(JsonNode node, Path file, String where, InstanceContext context) {
    String name = where.isEmpty() ? "the object" : "entry " + where;
    if (!node.isObject()) {
      throw bad(file, name + " is not an object");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw bad(file, name + ": \"" + field.getKey() + "\" is not a string");
      }
      values.put(field.getKey(), field.getValue().textValue());
    }
    for (String required : List.of("id", "mountpoint")) {
      if (!values.containsKey(required) || values.get(required).isBlank()) {
        throw bad(file, name + " has no \"" + required + "\"");
      }
    }
    try {
      return new Entry(context.resolve(values.get("mountpoint")), Map.copyOf(values));
    } catch (InvalidPathException e) {
      throw bad(file, name + ": mountpoint is not a path: " + e.getReason());
    }
  }

  private static BadStoreConfigurationException bad(Path file, String reason) {
    return new BadStoreConfigurationException(KEY, file + " " + reason);
  }
}
