package io.stowage.app.registry;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link UploadLeases} in the registry's database (table {@code upload_leases}, migration V2). */
final class JdbcUploadLeases implements UploadLeases {
  private final Database db;

  JdbcUploadLeases(Database db) {
    this.db = db;
  }

  @Override
  public void take(String imageId, String holder, Optional<String> storeId) {
    long now = System.currentTimeMillis();
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO upload_leases "
          + "(image_id, holder, store_id, started_at, renewed_at) "
          + "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM images WHERE id = ?) "
          + "ON CONFLICT (image_id) DO UPDATE SET holder = excluded.holder, "
          + "store_id = excluded.store_id, started_at = excluded.started_at, "
          + "renewed_at = excluded.renewed_at")) {
        ps.setString(1, imageId);
        ps.setString(2, holder);
        ps.setString(3, storeId.orElse(null));
        ps.setLong(4, now);
        ps.setLong(5, now);
        ps.setString(6, imageId);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (!DatabaseFailures.isForeignKeyViolation(e)) { // deleted meanwhile
          throw e;
        }
      }
      return null;
    });
  }

  @Override
  public void renewAll(String holder) {
    db.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE upload_leases SET renewed_at = ? WHERE holder = ?")) {
        ps.setLong(1, System.currentTimeMillis());
        ps.setString(2, holder);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public void release(String imageId, String holder) {
    db.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM upload_leases WHERE image_id = ? AND holder = ?")) {
        ps.setString(1, imageId);
        ps.setString(2, holder);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public List<UploadLease> saving() {
    return db.read(c -> {
      List<UploadLease> found = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT i.id, l.holder, l.store_id, "
          + "COALESCE(l.renewed_at, i.updated_at) FROM images i "
          + "LEFT JOIN upload_leases l ON l.image_id = i.id WHERE i.status = ? ORDER BY i.id")) {
        ps.setString(1, ImageStatus.SAVING.wireName());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(new UploadLease(rs.getString(1), Optional.ofNullable(rs.getString(2)),
                Optional.ofNullable(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(4))));
          }
        }
      }
      return found;
    });
  }

  @Override
  public boolean requeue(UploadLease seen) {
    return db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement(db.dialect().lockImage())) {
        ps.setString(1, seen.imageId());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
        }
      }
      Optional<UploadLease> now = saving(c, seen.imageId());
      if (now.isEmpty() || !Objects.equals(now.get(), seen)) {
        return false; // finished, renewed or taken over meanwhile
      }
      // Requeueing also releases the quota the dead upload had reserved.
      try (PreparedStatement ps = c.prepareStatement("UPDATE images SET status = ?, "
          + "updated_at = ?, reserved_bytes = NULL WHERE id = ? AND status = ?")) {
        ps.setString(1, ImageStatus.QUEUED.wireName());
        ps.setLong(2, System.currentTimeMillis());
        ps.setString(3, seen.imageId());
        ps.setString(4, ImageStatus.SAVING.wireName());
        if (ps.executeUpdate() != 1) {
          return false;
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM upload_leases WHERE image_id = ?")) {
        ps.setString(1, seen.imageId());
        ps.executeUpdate();
      }
      return true;
    });
  }

  private static Optional<UploadLease> saving(java.sql.Connection c, String id)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT i.id, l.holder, l.store_id, "
        + "COALESCE(l.renewed_at, i.updated_at) FROM images i "
        + "LEFT JOIN upload_leases l ON l.image_id = i.id WHERE i.id = ? AND i.status = ?")) {
      ps.setString(1, id);
      ps.setString(2, ImageStatus.SAVING.wireName());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new UploadLease(rs.getString(1), Optional.ofNullable(rs.getString(2)),
            Optional.ofNullable(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(4))));
      }
    }
  }
}
