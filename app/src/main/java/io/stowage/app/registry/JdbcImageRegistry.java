package io.stowage.app.registry;

import io.stowage.api.DuplicateException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.api.StorageFullException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The registry on SQLite or PostgreSQL through JDBC; the SQL is the same on both. */
final class JdbcImageRegistry implements ImageRegistry {
  private final Database db;
  private final String description;

  private JdbcImageRegistry(Database db, String description) {
    this.db = db;
    this.description = description;
  }

  static JdbcImageRegistry open(RegistrySettings settings) {
    return new JdbcImageRegistry(Database.open(settings), settings.describe());
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @Override
  public ImageRecord create(NewImage image) {
    String id = image.id().orElseGet(() -> UUID.randomUUID().toString());
    long now = now();
    return db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, status, "
          + "disk_format, container_format, min_disk, min_ram, is_protected, os_hidden, "
          + "visibility, owner, created_at, updated_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ImageRows.setString(ps, 2, image.name());
        ps.setString(3, ImageStatus.QUEUED.wireName());
        ImageRows.setString(ps, 4, image.diskFormat());
        ImageRows.setString(ps, 5, image.containerFormat());
        ps.setInt(6, image.minDisk());
        ps.setInt(7, image.minRam());
        ps.setBoolean(8, image.isProtected());
        ps.setBoolean(9, image.osHidden());
        ps.setString(10, image.visibility().wireName());
        ImageRows.setString(ps, 11, image.owner());
        ps.setLong(12, now);
        ps.setLong(13, now);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (DatabaseFailures.isUniqueViolation(e)) {
          throw new DuplicateException("an image with id " + id + " exists already", e);
        }
        throw e;
      }
      ImageRecord created = new ImageRecord(id, image.name(), ImageStatus.QUEUED,
          OptionalLong.empty(), OptionalLong.empty(), image.diskFormat(),
          image.containerFormat(), Optional.empty(), Optional.empty(), Optional.empty(),
          image.minDisk(), image.minRam(), image.isProtected(), image.osHidden(),
          image.visibility(), image.owner(), image.tags(), image.properties(), List.of(),
          Instant.ofEpochMilli(now), Instant.ofEpochMilli(now));
      ImageRows.writeChildren(c, created);
      return created;
    });
  }

  @Override
  public Optional<ImageRecord> find(String id) {
    return db.read(c -> ImageRows.load(c, id));
  }

  @Override
  public ImagePage list(ImageQuery query) {
    return db.read(c -> {
      Optional<ImageRecord> marker = Optional.empty();
      if (query.marker().isPresent()) {
        String m = query.marker().get();
        marker = Optional.of(ImageRows.load(c, m).filter(query.scope()::canSee).orElseThrow(
            () -> new InvalidRequestException("marker " + m + " names no image")));
      }
      List<String> ids = new ArrayList<>();
      try (PreparedStatement ps = ImageListing.prepare(c, query, marker);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      boolean more = ids.size() > query.limit();
      if (more) {
        ids = ids.subList(0, query.limit());
      }
      List<ImageRecord> images = ImageRows.load(c, ids);
      return new ImagePage(images,
          more ? Optional.of(ids.get(ids.size() - 1)) : Optional.empty());
    });
  }

  @Override
  public ImageRecord update(String id, UnaryOperator<ImageRecord> change) {
    return db.write(c -> {
      if (!lock(c, id)) {
        throw new NotFoundException("no image " + id);
      }
      ImageRecord current = ImageRows.load(c, id).orElseThrow();
      ImageRecord next = change.apply(current);
      checkUnchanged(current, next);
      try (PreparedStatement ps = c.prepareStatement("UPDATE images SET name = ?, "
          + "disk_format = ?, container_format = ?, min_disk = ?, min_ram = ?, "
          + "is_protected = ?, os_hidden = ?, visibility = ?, owner = ?, updated_at = ? "
          + "WHERE id = ?")) {
        ImageRows.setString(ps, 1, next.name());
        ImageRows.setString(ps, 2, next.diskFormat());
        ImageRows.setString(ps, 3, next.containerFormat());
        ps.setInt(4, next.minDisk());
        ps.setInt(5, next.minRam());
        ps.setBoolean(6, next.isProtected());
        ps.setBoolean(7, next.osHidden());
        ps.setString(8, next.visibility().wireName());
        ImageRows.setString(ps, 9, next.owner());
        ps.setLong(10, Math.max(now(), current.updatedAt().toEpochMilli()));
        ps.setString(11, id);
        ps.executeUpdate();
      }
      ImageRows.writeChanges(c, current, next);
      return ImageRows.load(c, id).orElseThrow();
    });
  }

  private static void checkUnchanged(ImageRecord current, ImageRecord next) {
    if (!next.id().equals(current.id())
        || next.status() != current.status()
        || !next.size().equals(current.size())
        || !next.virtualSize().equals(current.virtualSize())
        || !next.checksum().equals(current.checksum())
        || !next.osHashAlgo().equals(current.osHashAlgo())
        || !next.osHashValue().equals(current.osHashValue())) {
      throw new IllegalArgumentException("update cannot change the id, status, size, "
          + "virtual size, checksum or hash of image " + current.id());
    }
  }

  /** Locks the image row for the rest of the transaction; false if there is none. */
  private boolean lock(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(db.dialect().lockImage())) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void touch(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE images SET updated_at = ? WHERE id = ? AND updated_at < ?")) {
      long now = now();
      ps.setLong(1, now);
      ps.setString(2, id);
      ps.setLong(3, now);
      ps.executeUpdate();
    }
  }

  @Override
  public boolean transition(String id, ImageStatus from, ImageStatus to) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE images SET status = ?, updated_at = ?, reserved_bytes = NULL "
              + "WHERE id = ? AND status = ?")) {
        ps.setString(1, to.wireName());
        ps.setLong(2, now());
        ps.setString(3, id);
        ps.setString(4, from.wireName());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<ImageRecord> activate(String id, Activation a) {
    return db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE images SET status = ?, size = ?, "
          + "virtual_size = ?, checksum = ?, os_hash_algo = ?, os_hash_value = ?, "
          + "updated_at = ?, reserved_bytes = NULL WHERE id = ? AND status = ?")) {
        ps.setString(1, ImageStatus.ACTIVE.wireName());
        ps.setLong(2, a.size());
        ImageRows.setLong(ps, 3, a.virtualSize());
        ps.setString(4, a.checksum());
        ps.setString(5, a.multihash().algorithm().name());
        ps.setString(6, a.multihash().value());
        ps.setLong(7, now());
        ps.setString(8, id);
        ps.setString(9, ImageStatus.SAVING.wireName());
        if (ps.executeUpdate() != 1) {
          return Optional.empty();
        }
      }
      int ordinal;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(MAX(ordinal) + 1, 0) FROM image_locations WHERE image_id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          ordinal = rs.getInt(1);
        }
      }
      ImageRows.insertLocation(c, id, ordinal, a.location());
      return ImageRows.load(c, id);
    });
  }

  @Override
  public boolean delete(String id) {
    return db.write(c -> {
      if (!lock(c, id)) {
        return false;
      }
      for (String table :
          List.of("image_tags", "image_properties", "image_locations", "image_members",
              "upload_progress")) {
        try (PreparedStatement ps =
            c.prepareStatement("DELETE FROM " + table + " WHERE image_id = ?")) {
          ps.setString(1, id);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean addTag(String id, String tag) {
    ImageRecord.sortedTags(java.util.Set.of(tag));
    return db.write(c -> {
      if (!lock(c, id)) {
        throw new NotFoundException("no image " + id);
      }
      boolean added;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_tags (image_id, tag) "
          + "VALUES (?, ?) ON CONFLICT (image_id, tag) DO NOTHING")) {
        ps.setString(1, id);
        ps.setString(2, tag);
        added = ps.executeUpdate() == 1;
      }
      if (added) {
        touch(c, id);
      }
      return added;
    });
  }

  @Override
  public boolean removeTag(String id, String tag) {
    return db.write(c -> {
      if (!lock(c, id)) {
        throw new NotFoundException("no image " + id);
      }
      boolean removed;
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM image_tags WHERE image_id = ? AND tag = ?")) {
        ps.setString(1, id);
        ps.setString(2, tag);
        removed = ps.executeUpdate() == 1;
      }
      if (removed) {
        touch(c, id);
      }
      return removed;
    });
  }

  @Override
  public void startProgress(String id, OptionalLong bytesTotal) {
    upsertProgress(id, 0, bytesTotal, true);
  }

  @Override
  public void recordProgress(String id, long bytesReceived, OptionalLong bytesTotal) {
    upsertProgress(id, bytesReceived, bytesTotal, false);
  }

  private void upsertProgress(String id, long bytes, OptionalLong total, boolean restart) {
    long now = now();
    db.read(c -> {
      // INSERT ... SELECT ... WHERE: nothing when the image is gone. (SQLite needs the WHERE to
      // parse ON CONFLICT after a SELECT.)
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO upload_progress "
          + "(image_id, bytes_received, bytes_total, started_at, updated_at) "
          + "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM images WHERE id = ?) "
          + "ON CONFLICT (image_id) DO UPDATE SET bytes_received = excluded.bytes_received, "
          + "bytes_total = excluded.bytes_total, updated_at = excluded.updated_at"
          + (restart ? ", started_at = excluded.started_at" : ""))) {
        ps.setString(1, id);
        ps.setLong(2, bytes);
        ImageRows.setLong(ps, 3, total);
        ps.setLong(4, now);
        ps.setLong(5, now);
        ps.setString(6, id);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (!DatabaseFailures.isForeignKeyViolation(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  @Override
  public Optional<UploadProgress> progress(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT bytes_received, bytes_total, "
          + "started_at, updated_at FROM upload_progress WHERE image_id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          long received = rs.getLong(1);
          long total = rs.getLong(2);
          OptionalLong bytesTotal = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(total);
          return Optional.of(new UploadProgress(id, received, bytesTotal,
              Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    });
  }

  @Override
  public long bytesStoredBy(String owner) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(SUM(size), 0) FROM images WHERE owner = ? AND size IS NOT NULL")) {
        ps.setString(1, owner);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public UploadLeases leases() {
    return new JdbcUploadLeases(db);
  }

  @Override
  public ImageMember addMember(String imageId, String member, int maxMembers) {
    if (member.isEmpty() || member.length() > 255) {
      throw new InvalidRequestException("a member is 1 to 255 characters, not " + member.length());
    }
    long now = now();
    return db.write(c -> {
      if (!lock(c, imageId)) {
        throw new NotFoundException("no image " + imageId);
      }
      if (memberRow(c, imageId, member).isPresent()) {
        throw duplicateMember(imageId, member);
      }
      try (PreparedStatement ps =
          c.prepareStatement("SELECT COUNT(*) FROM image_members WHERE image_id = ?")) {
        ps.setString(1, imageId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= maxMembers) {
            throw new StorageFullException("image " + imageId + " has " + rs.getInt(1)
                + " members, the most an image may have");
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_members (image_id, "
          + "member, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
          + "ON CONFLICT (image_id, member) DO NOTHING")) {
        ps.setString(1, imageId);
        ps.setString(2, member);
        ps.setString(3, MemberStatus.PENDING.wireName());
        ps.setLong(4, now);
        ps.setLong(5, now);
        if (ps.executeUpdate() != 1) {
          throw duplicateMember(imageId, member);
        }
      }
      return new ImageMember(imageId, member, MemberStatus.PENDING,
          Instant.ofEpochMilli(now), Instant.ofEpochMilli(now));
    });
  }

  private static DuplicateException duplicateMember(String imageId, String member) {
    return new DuplicateException("Member " + member + " is duplicated for image " + imageId);
  }

  private static Optional<ImageMember> memberRow(Connection c, String imageId, String member)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status, created_at, updated_at "
        + "FROM image_members WHERE image_id = ? AND member = ?")) {
      ps.setString(1, imageId);
      ps.setString(2, member);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new ImageMember(imageId, member, MemberStatus.of(rs.getString(1)),
            Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3))));
      }
    }
  }

  @Override
  public List<ImageMember> members(String imageId) {
    return db.read(c -> {
      List<ImageMember> members = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT member, status, created_at, "
          + "updated_at FROM image_members WHERE image_id = ? ORDER BY created_at, member")) {
        ps.setString(1, imageId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            members.add(new ImageMember(imageId, rs.getString(1),
                MemberStatus.of(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3)),
                Instant.ofEpochMilli(rs.getLong(4))));
          }
        }
      }
      return members;
    });
  }

  @Override
  public Optional<ImageMember> member(String imageId, String member) {
    return db.read(c -> memberRow(c, imageId, member));
  }

  @Override
  public Optional<ImageMember> updateMember(String imageId, String member, MemberStatus status) {
    return db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE image_members SET status = ?, "
          + "updated_at = ? WHERE image_id = ? AND member = ?")) {
        ps.setString(1, status.wireName());
        ps.setLong(2, now());
        ps.setString(3, imageId);
        ps.setString(4, member);
        if (ps.executeUpdate() != 1) {
          return Optional.empty();
        }
      }
      return memberRow(c, imageId, member);
    });
  }

  @Override
  public boolean removeMember(String imageId, String member) {
    return db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM image_members WHERE image_id = ? AND member = ?")) {
        ps.setString(1, imageId);
        ps.setString(2, member);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public OptionalLong reserve(String id, long atLeast, long atMost, long quota) {
    if (atLeast < 0 || atMost < atLeast || quota < 0) {
      throw new IllegalArgumentException("reserve " + atLeast + ".." + atMost + " of " + quota);
    }
    return db.write(c -> {
      Optional<String> owner;
      try (PreparedStatement ps = c.prepareStatement("SELECT owner, status FROM images WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !ImageStatus.SAVING.wireName().equals(rs.getString(2))) {
            throw new NotFoundException("no upload of image " + id + " is running");
          }
          owner = Optional.ofNullable(rs.getString(1));
        }
      }
      if (owner.isEmpty()) {
        return OptionalLong.of(atMost); // no owner, no quota
      }
      db.dialect().lockProject(c, owner.get());
      long others;
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM("
          + "COALESCE(size, reserved_bytes, 0)), 0) FROM images WHERE owner = ? AND id <> ?")) {
        ps.setString(1, owner.get());
        ps.setString(2, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          others = rs.getLong(1);
        }
      }
      long available = quota - others;
      if (available < atLeast) {
        return OptionalLong.empty();
      }
      long granted = Math.min(atMost, available);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE images SET reserved_bytes = ? WHERE id = ? AND status = ?")) {
        ps.setLong(1, granted);
        ps.setString(2, id);
        ps.setString(3, ImageStatus.SAVING.wireName());
        ps.executeUpdate();
      }
      return OptionalLong.of(granted);
    });
  }

  @Override
  public long bytesReservedBy(String owner) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(reserved_bytes), 0) "
          + "FROM images WHERE owner = ? AND reserved_bytes IS NOT NULL")) {
        ps.setString(1, owner);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    db.close();
  }

  @Override
  public String toString() {
    return "ImageRegistry[" + description + "]";
  }

}
