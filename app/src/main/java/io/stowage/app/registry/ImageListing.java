package io.stowage.app.registry;

import io.stowage.app.registry.ImageQuery.Sort;
import io.stowage.app.registry.ImageQuery.SortKey;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SQL of one {@link ImageQuery} page: scope, filters, a total order and keyset pagination
 * after the marker. Absent values sort as the smallest on both databases (SQLite's order;
 * PostgreSQL's is the reverse, so the order is spelled out), and the marker predicate follows
 * the same rule, so pages neither skip nor repeat images whatever the sort keys.
 */
final class ImageListing {
  private static final Set<SortKey> NULLABLE = EnumSet.of(SortKey.NAME, SortKey.CONTAINER_FORMAT,
      SortKey.DISK_FORMAT, SortKey.SIZE, SortKey.VIRTUAL_SIZE, SortKey.OWNER);

  private final StringBuilder where = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  private ImageListing() {}

  /** The ids of the page (one more than the limit, to tell whether another page follows). */
  static PreparedStatement prepare(
      java.sql.Connection c, ImageQuery q, Optional<ImageRecord> marker) throws SQLException {
    ImageListing l = new ImageListing();
    l.scope(q);
    l.filters(q);
    List<Sort> keys = totalOrder(q.sort());
    marker.ifPresent(m -> l.after(keys, m));
    StringBuilder sql = new StringBuilder("SELECT id FROM images WHERE ").append(l.where);
    sql.append(" ORDER BY ");
    for (int i = 0; i < keys.size(); i++) {
      Sort s = keys.get(i);
      String dir = s.ascending() ? " ASC" : " DESC";
      String col = s.key().wireName();
      if (i > 0) {
        sql.append(", ");
      }
      if (NULLABLE.contains(s.key())) {
        sql.append("CASE WHEN ").append(col).append(" IS NULL THEN 0 ELSE 1 END").append(dir)
            .append(", ");
      }
      sql.append(col).append(dir);
    }
    sql.append(" LIMIT ?");
    l.params.add(q.limit() + 1);
    PreparedStatement ps = c.prepareStatement(sql.toString());
    try {
      for (int i = 0; i < l.params.size(); i++) {
        Object p = l.params.get(i);
        if (p instanceof String s) {
          ps.setString(i + 1, s);
        } else if (p instanceof Long n) {
          ps.setLong(i + 1, n);
        } else if (p instanceof Integer n) {
          ps.setInt(i + 1, n);
        } else if (p instanceof Boolean b) {
          ps.setBoolean(i + 1, b);
        } else {
          throw new IllegalStateException("parameter of type " + p.getClass());
        }
      }
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  /** The query's keys without repeats, then the id (in the last key's direction) if absent. */
  static List<Sort> totalOrder(List<Sort> requested) {
    Map<SortKey, Sort> keys = new LinkedHashMap<>();
    for (Sort s : requested) {
      keys.putIfAbsent(s.key(), s);
    }
    if (!keys.containsKey(SortKey.ID)) {
      boolean ascending = requested.isEmpty() || requested.get(requested.size() - 1).ascending();
      keys.put(SortKey.ID, new Sort(SortKey.ID, ascending));
    }
    return List.copyOf(keys.values());
  }

  private void and(String condition, Object... values) {
    if (where.length() > 0) {
      where.append(" AND ");
    }
    where.append(condition);
    params.addAll(List.of(values));
  }

  private void scope(ImageQuery q) {
    Scope scope = q.scope();
    Optional<Visibility> v = q.visibility();
    if (scope.admin()) {
      v.ifPresent(x -> and("visibility = ?", x.wireName()));
      if (v.isEmpty()) {
        and("1 = 1");
      }
      return;
    }
    if (v.isEmpty()) {
      if (scope.project().isPresent()) {
        String p = scope.project().get();
        List<Object> values = new ArrayList<>(List.of(Visibility.PUBLIC.wireName(), p));
        and("(visibility = ? OR owner = ? OR " + sharedWith(q, values) + ")", values.toArray());
      } else {
        and("visibility = ?", Visibility.PUBLIC.wireName());
      }
      return;
    }
    switch (v.get()) {
      case PUBLIC, COMMUNITY -> and("visibility = ?", v.get().wireName());
      case PRIVATE -> {
        if (scope.project().isPresent()) {
          and("visibility = ? AND owner = ?", v.get().wireName(), scope.project().get());
        } else {
          and("1 = 0");
        }
      }
      case SHARED -> {
        if (scope.project().isPresent()) {
          List<Object> values =
              new ArrayList<>(List.of(Visibility.SHARED.wireName(), scope.project().get()));
          and("((visibility = ? AND owner = ?) OR " + sharedWith(q, values) + ")",
              values.toArray());
        } else {
          and("1 = 0");
        }
      }
    }
  }

  /**
   * Shared images the scope's project is a member of with the query's member status: Glance
   * lists another project's shared image only to members (by default, those who accepted).
   */
  private static String sharedWith(ImageQuery q, List<Object> values) {
    values.add(Visibility.SHARED.wireName());
    values.add(q.scope().project().orElseThrow());
    String sql = "(visibility = ? AND EXISTS (SELECT 1 FROM image_members m"
        + " WHERE m.image_id = images.id AND m.member = ?";
    if (q.memberStatus().isPresent()) {
      values.add(q.memberStatus().get().wireName());
      sql += " AND m.status = ?";
    }
    return sql + "))";
  }

  private void filters(ImageQuery q) {
    q.ids().ifPresent(x -> in("id", x));
    q.names().ifPresent(x -> in("name", x));
    q.statuses().ifPresent(x -> in("status", x.stream().map(ImageStatus::wireName).toList()));
    q.owner().ifPresent(x -> and("owner = ?", x));
    q.diskFormats().ifPresent(x -> in("disk_format", x));
    q.containerFormats().ifPresent(x -> in("container_format", x));
    q.sizeMin().ifPresent(x -> and("size >= ?", x));
    q.sizeMax().ifPresent(x -> and("size <= ?", x));
    q.osHidden().ifPresent(x -> and("os_hidden = ?", x));
    q.isProtected().ifPresent(x -> and("is_protected = ?", x));
    for (String tag : q.tags()) {
      and("EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = images.id AND t.tag = ?)", tag);
    }
    for (Map.Entry<String, String> p : q.properties().entrySet()) {
      and("EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = images.id"
          + " AND p.name = ? AND p.value = ?)", p.getKey(), p.getValue());
    }
    for (ImageQuery.TimeFilter t : q.times()) {
      time(t);
    }
  }

  private void in(String column, java.util.Collection<String> values) {
    if (values.isEmpty()) {
      and("1 = 0");
      return;
    }
    and(column + " IN (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?"))
        + ")", values.toArray());
  }

  /**
   * A time filter on the column's epoch milliseconds, as bounds on the whole second the API
   * shows: {@code created_at gt T} holds when the shown second is after T, so for T =
   * 12:00:00.5 an image created at 12:00:00.9 (shown as 12:00:00) does not match. Plain
   * comparisons of the column, so its index serves them.
   */
  private void time(ImageQuery.TimeFilter t) {
    String col = t.field().wireName();
    long ms = t.operand().toEpochMilli();
    long floorSecond = Math.floorDiv(ms, 1000) * 1000;
    long ceilSecond = -Math.floorDiv(-ms, 1000) * 1000;
    boolean whole = ms == floorSecond;
    switch (t.comparison()) {
      case GT -> and(col + " >= ?", floorSecond + 1000);
      case GTE -> and(col + " >= ?", ceilSecond);
      case LT -> and(col + " < ?", ceilSecond);
      case LTE -> and(col + " < ?", floorSecond + 1000);
      case EQ -> {
        if (whole) {
          and("(" + col + " >= ? AND " + col + " < ?)", ms, ms + 1000);
        } else {
          and("1 = 0");
        }
      }
      case NEQ -> {
        if (whole) {
          and("(" + col + " < ? OR " + col + " >= ?)", ms, ms + 1000);
        }
      }
    }
  }

  /** Rows after the marker in the order {@code keys}: the usual keyset disjunction. */
  private void after(List<Sort> keys, ImageRecord marker) {
    StringBuilder any = new StringBuilder("(");
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        any.append(" OR ");
      }
      any.append('(');
      for (int j = 0; j < i; j++) {
        Sort s = keys.get(j);
        Object m = value(s.key(), marker);
        String col = s.key().wireName();
        if (m == null) {
          any.append(col).append(" IS NULL AND ");
        } else {
          any.append(col).append(" = ? AND ");
          values.add(m);
        }
      }
      Sort s = keys.get(i);
      Object m = value(s.key(), marker);
      String col = s.key().wireName();
      if (s.ascending()) {
        if (m == null) {
          any.append(col).append(" IS NOT NULL");
        } else {
          any.append(col).append(" > ?");
          values.add(m);
        }
      } else if (m == null) {
        any.append("1 = 0"); // nothing sorts below an absent value
      } else if (NULLABLE.contains(s.key())) {
        any.append('(').append(col).append(" < ? OR ").append(col).append(" IS NULL)");
        values.add(m);
      } else {
        any.append(col).append(" < ?");
        values.add(m);
      }
      any.append(')');
    }
    any.append(')');
    and(any.toString(), values.toArray());
  }

  /** The marker's value for a sort key as stored in its column; null when absent. */
  private static Object value(SortKey key, ImageRecord r) {
    return switch (key) {
      case NAME -> r.name().orElse(null);
      case STATUS -> r.status().wireName();
      case CONTAINER_FORMAT -> r.containerFormat().orElse(null);
      case DISK_FORMAT -> r.diskFormat().orElse(null);
      case SIZE -> r.size().isPresent() ? r.size().getAsLong() : null;
      case VIRTUAL_SIZE -> r.virtualSize().isPresent() ? r.virtualSize().getAsLong() : null;
      case ID -> r.id();
      case CREATED_AT -> r.createdAt().toEpochMilli();
      case UPDATED_AT -> r.updatedAt().toEpochMilli();
      case OWNER -> r.owner().orElse(null);
      case VISIBILITY -> r.visibility().wireName();
      case MIN_DISK -> r.minDisk();
      case MIN_RAM -> r.minRam();
    };
  }
}
