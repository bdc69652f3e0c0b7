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
