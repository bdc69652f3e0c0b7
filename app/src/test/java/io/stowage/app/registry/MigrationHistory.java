package io.stowage.app.registry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads Flyway's history table straight from the database: "version:success" per row. */
final class MigrationHistory {
  private MigrationHistory() {}

  /**
   * What the history holds once every migration script shipped ran once, in version order:
   * "version:true" per {@code V<version>__*.sql} (so adding or renumbering a script needs no
   * test change).
   */
  static List<String> allApplied() {
    java.net.URL folder = MigrationHistory.class.getResource("migration");
    if (folder == null || !folder.getProtocol().equals("file")) {
      throw new IllegalStateException("migration scripts not found as files: " + folder);
    }
    try (java.util.stream.Stream<java.nio.file.Path> files =
        java.nio.file.Files.list(java.nio.file.Path.of(folder.toURI()))) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.+\\.sql"))
          .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
          .sorted()
          .map(v -> v + ":true")
          .toList();
    } catch (java.io.IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> read(RegistrySettings settings) {
    try (Connection c = DriverManager.getConnection(
            settings.url(), settings.user().orElse(null), settings.password().orElse(null));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT version, success FROM stowage_schema_history ORDER BY installed_rank")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + ":" + rs.getBoolean(2));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
