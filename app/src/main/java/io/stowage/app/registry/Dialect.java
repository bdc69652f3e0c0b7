package io.stowage.app.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the two databases: how a write transaction starts and how it locks an
 * image row or a project. Everything else is the same SQL on both.
 */
enum Dialect {
  /**
   * {@code BEGIN IMMEDIATE} takes SQLite's single write lock up front (waiting up to the busy
   * timeout): a transaction that read first and wrote later could otherwise fail with
   * SQLITE_BUSY when another process wrote in between, which no busy timeout retries.
   */
  SQLITE {
    @Override
    void begin(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
    }

    @Override
    void commit(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    }

    @Override
    void rollback(Connection c) throws SQLException {
      if (!c.getAutoCommit()) {
        c.rollback();
        return;
      }
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException e) {
        // "no transaction is active": the failure ended it already.
        if (!String.valueOf(e.getMessage()).contains("no transaction")) {
          throw e;
        }
      }
    }

    @Override
    String lockImage() {
      return "SELECT id FROM images WHERE id = ?"; // the write lock covers every row
    }

    @Override
    void lockProject(Connection c, String project) {
      // BEGIN IMMEDIATE took the database's one write lock: writers are serialised already.
    }
  },

  /** Read committed, with the image row locked for the rest of the transaction. */
  POSTGRESQL {
    @Override
    void begin(Connection c) throws SQLException {
      c.setAutoCommit(false);
    }

    @Override
    void commit(Connection c) throws SQLException {
      c.commit();
      c.setAutoCommit(true);
    }

    @Override
    void rollback(Connection c) throws SQLException {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
    }

    @Override
    String lockImage() {
      return "SELECT id FROM images WHERE id = ? FOR UPDATE";
    }

    /**
     * An advisory lock on the project's name, held to the end of the transaction: the rows a
     * quota sums over are many and change, so no row lock can stand for them.
     */
    @Override
    void lockProject(Connection c, String project) throws SQLException {
      try (java.sql.PreparedStatement ps =
          c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
        ps.setString(1, "stowage-project:" + project);
        ps.executeQuery().close();
      }
    }
  };

  abstract void begin(Connection c) throws SQLException;

  abstract void commit(Connection c) throws SQLException;

  abstract void rollback(Connection c) throws SQLException;

  /** A query with one parameter (the id) that returns the row and locks it until commit. */
  abstract String lockImage();

  /**
   * Serialises, until the transaction ends, the transactions that sum and change what the
   * project stores and reserves.
   */
  abstract void lockProject(Connection c, String project) throws SQLException;
}
