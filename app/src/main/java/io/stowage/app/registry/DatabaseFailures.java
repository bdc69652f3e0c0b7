package io.stowage.app.registry;

import com.zaxxer.hikari.pool.HikariPool;
import io.stowage.api.StorageFullException;
import io.stowage.api.StowageException;
import io.stowage.api.UnavailableException;
import io.stowage.api.WriteDeniedException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Turns the databases' failures into the host's exceptions with one-line messages that name the
 * registry database (never its credentials). SQLite reports result codes, PostgreSQL SQLSTATEs.
 */
final class DatabaseFailures {
  // SQLite primary result codes (the low byte of the extended codes).
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_CONSTRAINT = 19;
  private static final int SQLITE_NOTADB = 26;

  private final String database;

  DatabaseFailures(String database) {
    this.database = database;
  }

  /** Whether a transaction failed only because of a concurrent one, so running it again helps. */
  static boolean isRetryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }

  /** Whether {@code e} is a primary-key or unique-constraint violation. */
  static boolean isUniqueViolation(SQLException e) {
    if ("23505".equals(e.getSQLState())) {
      return true;
    }
    String message = String.valueOf(e.getMessage());
    return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT
        && (message.contains("UNIQUE") || message.contains("PRIMARY KEY"));
  }

  /** Whether {@code e} is a foreign-key violation (the image was deleted meanwhile). */
  static boolean isForeignKeyViolation(SQLException e) {
    if ("23503".equals(e.getSQLState())) {
      return true;
    }
    return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT
        && String.valueOf(e.getMessage()).contains("FOREIGN KEY");
  }

  /** The host exception for a failure while doing {@code what} (open, read, write, migrate). */
  StowageException translate(Throwable failure, String what) {
    if (failure instanceof StowageException s) {
      return s;
    }
    SQLException sql = deepestSql(failure);
    if (sql == null) {
      return new UnavailableException(
          "registry database " + database + ": cannot " + what + ": " + firstLine(failure), failure);
    }
    String state = sql.getSQLState() == null ? "" : sql.getSQLState();
    if (isSqlite(sql)) {
      return switch (sql.getErrorCode() & 0xff) {
        case SQLITE_READONLY -> new WriteDeniedException(
            "registry database " + database + " is read-only", failure);
        case SQLITE_FULL -> new StorageFullException(
            "registry database " + database + ": the disk is full", failure);
        case SQLITE_CANTOPEN -> new UnavailableException(
            "cannot open the registry database " + database, failure);
        case SQLITE_NOTADB, SQLITE_CORRUPT -> new UnavailableException(
            "registry database " + database + " is not a valid SQLite database (or is damaged)",
            failure);
        case SQLITE_BUSY, SQLITE_LOCKED -> new UnavailableException(
            "registry database " + database + " is busy: another connection or process holds "
                + "its lock", failure);
        case SQLITE_IOERR -> new UnavailableException(
            "registry database " + database + ": disk I/O error (" + firstLine(sql) + ")", failure);
        default -> new UnavailableException(
            "registry database " + database + ": cannot " + what + ": " + firstLine(sql), failure);
      };
    }
    if (state.startsWith("08")) {
      return new UnavailableException(
          "cannot reach the registry database " + database + ": "
              + firstLine(sql).replaceAll(" Check that the hostname.*", ""), failure);
    }
    if (state.startsWith("28")) {
      return new UnavailableException(
          "the registry database " + database + " refused the login: " + firstLine(sql), failure);
    }
    return switch (state) {
      case "3D000" -> new UnavailableException(
          "the registry database " + database + " does not exist", failure);
      case "53100" -> new StorageFullException(
          "registry database " + database + ": the disk is full", failure);
      case "25006" -> new WriteDeniedException(
          "registry database " + database + " is read-only", failure);
      case "57P01", "57P02", "57P03" -> new UnavailableException(
          "registry database " + database + " is shutting down or starting: " + firstLine(sql),
          failure);
      default -> new UnavailableException(
          "registry database " + database + ": cannot " + what + ": " + firstLine(sql), failure);
    };
  }

  private static boolean isSqlite(SQLException e) {
    return e.getClass().getName().startsWith("org.sqlite.");
  }

  private static SQLException deepestSql(Throwable t) {
    SQLException found = null;
    for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof SQLException s) {
        found = s;
      }
      if (c instanceof HikariPool.PoolInitializationException && c.getCause() == null) {
        break;
      }
    }
    return found;
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    String line = m.strip().lines().findFirst().orElse("").strip();
    // sqlite-jdbc prefixes "[SQLITE_FULL] ..." codes; keep the human part.
    if (line.startsWith("[") && line.indexOf(']') > 0) {
      line = line.substring(line.indexOf(']') + 1).strip();
    }
    return line.toLowerCase(Locale.ROOT).startsWith("error: ") ? line.substring(7) : line;
  }
}
