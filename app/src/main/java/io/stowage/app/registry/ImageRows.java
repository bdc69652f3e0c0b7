package io.stowage.app.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.api.store.Location;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/** Reads image records (with tags, properties, locations) from rows, and writes their parts. */
final class ImageRows {
  static final String COLUMNS = "id, name, status, size, virtual_size, disk_format, "
      + "container_format, checksum, os_hash_algo, os_hash_value, min_disk, min_ram, "
      + "is_protected, os_hidden, visibility, owner, created_at, updated_at";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private ImageRows() {}

  /** Loads the images with these ids, complete, in the order the ids are given. */
  static List<ImageRecord> load(Connection c, List<String> ids) throws SQLException {
    if (ids.isEmpty()) {
      return List.of();
    }
    String in = placeholders(ids.size());
    Map<String, ImageRecord> bare = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM images WHERE id IN (" + in + ")")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ImageRecord r = bare(rs);
          bare.put(r.id(), r);
        }
      }
    }
    Map<String, Set<String>> tags = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT image_id, tag FROM image_tags WHERE image_id IN (" + in + ")")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tags.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(rs.getString(2));
        }
      }
    }
    Map<String, Map<String, String>> props = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT image_id, name, value FROM image_properties WHERE image_id IN (" + in + ")")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          props.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
              .put(rs.getString(2), rs.getString(3));
        }
      }
    }
    Map<String, List<Location>> locations = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT image_id, url, store_id, metadata FROM image_locations WHERE image_id IN ("
            + in + ") ORDER BY image_id, ordinal")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Location l = new Location(URI.create(rs.getString(2)),
              Optional.ofNullable(rs.getString(3)), metadata(rs.getString(4)));
          locations.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(l);
        }
      }
    }
    List<ImageRecord> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      ImageRecord r = bare.get(id);
      if (r != null) {
        out.add(r.withTags(tags.getOrDefault(id, Set.of()))
            .withProperties(props.getOrDefault(id, Map.of()))
            .withLocations(locations.getOrDefault(id, List.of())));
      }
    }
    return out;
  }

  static Optional<ImageRecord> load(Connection c, String id) throws SQLException {
    List<ImageRecord> found = load(c, List.of(id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The image's own columns; tags, properties and locations empty. */
  private static ImageRecord bare(ResultSet rs) throws SQLException {
    return new ImageRecord(
        rs.getString("id"),
        Optional.ofNullable(rs.getString("name")),
        ImageStatus.of(rs.getString("status")),
        optionalLong(rs, "size"),
        optionalLong(rs, "virtual_size"),
        Optional.ofNullable(rs.getString("disk_format")),
        Optional.ofNullable(rs.getString("container_format")),
        Optional.ofNullable(rs.getString("checksum")),
        Optional.ofNullable(rs.getString("os_hash_algo")),
        Optional.ofNullable(rs.getString("os_hash_value")),
        rs.getInt("min_disk"),
        rs.getInt("min_ram"),
        rs.getBoolean("is_protected"),
        rs.getBoolean("os_hidden"),
        Visibility.of(rs.getString("visibility")),
        Optional.ofNullable(rs.getString("owner")),
        Set.of(),
        Map.of(),
        List.of(),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  private static OptionalLong optionalLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** Writes the tags, properties and locations of a new image. */
  static void writeChildren(Connection c, ImageRecord r) throws SQLException {
    insertTags(c, r.id(), r.tags());
    upsertProperties(c, r.id(), r.properties(), Map.of());
    int ordinal = 0;
    for (Location l : r.locations()) {
      insertLocation(c, r.id(), ordinal++, l);
    }
  }

  /**
   * Brings the image's tags, properties and locations from {@code current} to {@code next},
   * touching only the rows that differ (an update usually changes one property of many).
   */
  static void writeChanges(Connection c, ImageRecord current, ImageRecord next)
      throws SQLException {
    String id = current.id();
    Set<String> goneTags = new LinkedHashSet<>(current.tags());
    goneTags.removeAll(next.tags());
    deleteKeys(c, "DELETE FROM image_tags WHERE image_id = ? AND tag = ?", id, goneTags);
    Set<String> newTags = new LinkedHashSet<>(next.tags());
    newTags.removeAll(current.tags());
    insertTags(c, id, newTags);

    Set<String> goneProps = new LinkedHashSet<>(current.properties().keySet());
    goneProps.removeAll(next.properties().keySet());
    deleteKeys(c, "DELETE FROM image_properties WHERE image_id = ? AND name = ?", id, goneProps);
    upsertProperties(c, id, next.properties(), current.properties());

    if (!next.locations().equals(current.locations())) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM image_locations WHERE image_id = ?")) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      int ordinal = 0;
      for (Location l : next.locations()) {
        insertLocation(c, id, ordinal++, l);
      }
    }
  }

  private static void deleteKeys(Connection c, String sql, String id, Set<String> keys)
      throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (String k : keys) {
        ps.setString(1, id);
        ps.setString(2, k);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Writes the properties of {@code next} that {@code current} lacks or holds otherwise. */
  private static void upsertProperties(
      Connection c, String id, Map<String, String> next, Map<String, String> current)
      throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO image_properties (image_id, name, value) VALUES (?, ?, ?)");
        PreparedStatement update = c.prepareStatement(
            "UPDATE image_properties SET value = ? WHERE image_id = ? AND name = ?")) {
      boolean inserts = false;
      boolean updates = false;
      for (Map.Entry<String, String> e : next.entrySet()) {
        String old = current.get(e.getKey());
        if (old == null) {
          insert.setString(1, id);
          insert.setString(2, e.getKey());
          insert.setString(3, e.getValue());
          insert.addBatch();
          inserts = true;
        } else if (!old.equals(e.getValue())) {
          update.setString(1, e.getValue());
          update.setString(2, id);
          update.setString(3, e.getKey());
          update.addBatch();
          updates = true;
        }
      }
      if (inserts) {
        insert.executeBatch();
      }
      if (updates) {
        update.executeBatch();
      }
    }
  }

  static void insertTags(Connection c, String id, Collection<String> tags) throws SQLException {
    if (tags.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO image_tags (image_id, tag) VALUES (?, ?)")) {
      for (String t : tags) {
        ps.setString(1, id);
        ps.setString(2, t);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static void insertLocation(Connection c, String id, int ordinal, Location l)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO image_locations (image_id, ordinal, url, store_id, metadata) "
            + "VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setInt(2, ordinal);
      ps.setString(3, l.uri().toString());
      setString(ps, 4, l.storeId());
      ps.setString(5, json(l.metadata()));
      ps.executeUpdate();
    }
  }

  static void setString(PreparedStatement ps, int index, Optional<String> value)
      throws SQLException {
    if (value.isPresent()) {
      ps.setString(index, value.get());
    } else {
      ps.setNull(index, Types.VARCHAR);
    }
  }

  static void setLong(PreparedStatement ps, int index, OptionalLong value) throws SQLException {
    if (value.isPresent()) {
      ps.setLong(index, value.getAsLong());
    } else {
      ps.setNull(index, Types.BIGINT);
    }
  }

  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  private static void bind(PreparedStatement ps, List<String> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      ps.setString(i + 1, values.get(i));
    }
  }

  private static String json(Map<String, String> metadata) {
    try {
      return JSON.writeValueAsString(new LinkedHashMap<>(new TreeMap<>(metadata)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> metadata(String json) {
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("location metadata is not a JSON object: " + json, e);
    }
  }
}
