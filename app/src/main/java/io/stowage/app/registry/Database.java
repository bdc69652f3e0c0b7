package io.stowage.app.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stowage.api.StowageException;
import io.stowage.api.UnavailableException;
import io.stowage.api.WriteDeniedException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The registry's connection pool, migrations and transactions. Every {@link SQLException} leaves
 * here as a {@link StowageException} with a one-line message ({@link DatabaseFailures}).
 */
final class Database implements AutoCloseable {
  /** How long SQLite waits for another writer (another thread or process) before giving up. */
  static final int BUSY_TIMEOUT_MILLIS = 30_000;

  private static final int MAX_RETRIES = 8;
  private static final Object MIGRATION_LOCK = new Object();

  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final DatabaseFailures failures;

  private Database(HikariDataSource pool, Dialect dialect, DatabaseFailures failures) {
    this.pool = pool;
    this.dialect = dialect;
    this.failures = failures;
  }

  /** Opens the pool and brings the schema up to date. */
  static Database open(RegistrySettings settings) {
    Dialect dialect = settings.isSqlite() ? Dialect.SQLITE : Dialect.POSTGRESQL;
    DatabaseFailures failures = new DatabaseFailures(settings.describe());
    HikariConfig config = new HikariConfig();
    config.setPoolName("stowage-registry");
    config.setJdbcUrl(settings.url());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(1);
    config.setConnectionTimeout(BUSY_TIMEOUT_MILLIS + 5_000L);
    // Fail here, with the database's own reason, rather than on first use.
    config.setInitializationFailTimeout(1);
    if (dialect == Dialect.SQLITE) {
      Path file = settings.sqliteFile();
      createFolder(file, settings);
      config.setDriverClassName("org.sqlite.JDBC");
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("busy_timeout", String.valueOf(BUSY_TIMEOUT_MILLIS));
      config.addDataSourceProperty("foreign_keys", "true");
    } else {
      config.setDriverClassName("org.postgresql.Driver");
      settings.user().ifPresent(config::setUsername);
      settings.password().ifPresent(config::setPassword);
      config.addDataSourceProperty("connectTimeout", "10");
      config.addDataSourceProperty("ApplicationName", "stowage");
    }
    return inTurn(settings, () -> {
      HikariDataSource pool;
      try {
        pool = new HikariDataSource(config);
      } catch (RuntimeException e) {
        if (dialect == Dialect.SQLITE) {
          checkWritable(settings);
        }
        throw failures.translate(e, "open");
      }
      Database db = new Database(pool, dialect, failures);
      try {
        db.migrate();
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
      return db;
    });
  }

  private static void createFolder(Path file, RegistrySettings settings) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (FileAlreadyExistsException e) {
      throw new UnavailableException("cannot create the folder " + parent
          + " for the registry database " + settings.describe() + ": "
          + e.getFile() + " exists and is not a folder", e);
    } catch (AccessDeniedException e) {
      throw new UnavailableException("cannot create the folder " + parent
          + " for the registry database " + settings.describe() + ": permission denied", e);
    } catch (IOException e) {
      throw new UnavailableException("cannot create the folder " + parent
          + " for the registry database " + settings.describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * SQLite says only "cannot open" when the file or its folder is read-only (WAL mode needs to
   * write the -wal and -shm files beside the database): say which.
   */
  private static void checkWritable(RegistrySettings settings) {
    Path file = settings.sqliteFile().toAbsolutePath();
    Path parent = file.getParent();
    if (Files.exists(file) && !Files.isWritable(file)) {
      throw new WriteDeniedException(
          "registry database " + settings.describe() + " is read-only (the file cannot be written)");
    }
    if (Files.isDirectory(parent) && !Files.isWritable(parent)) {
      throw new WriteDeniedException("registry database " + settings.describe()
          + " is read-only (its folder " + parent + " cannot be written)");
    }
  }

  /**
   * Runs {@code open} in turn with every other thread and process opening the same SQLite
   * registry, under an exclusive lock on a file beside the database. Two things there fail at once
   * with SQLITE_BUSY, which no busy timeout retries: the first connection's switch to WAL (it needs
   * the database to itself, and the driver switches before it sets the busy timeout), and Flyway's
   * migrations (each a deferred transaction; two connections upgrading from reading to writing).
   * PostgreSQL needs no turn (Flyway takes an advisory lock there).
   */
  private static Database inTurn(RegistrySettings settings, java.util.function.Supplier<Database> open) {
    if (!settings.isSqlite()) {
      return open.get();
    }
    Path lockFile = Path.of(settings.sqliteFile().toAbsolutePath() + ".migration-lock");
    synchronized (MIGRATION_LOCK) { // file locks are per process: threads take turns here
      FileChannel channel;
      try {
        channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      } catch (IOException e) {
        // A read-only folder: nobody can migrate here; opening says why.
        return open.get();
      }
      try (channel; FileLock lock = channel.lock()) {
        return open.get();
      } catch (IOException e) {
        throw new UnavailableException("cannot lock " + lockFile + " to open the registry "
            + settings.describe() + ": " + e.getMessage(), e);
      }
    }
  }

  private void migrate() {
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:io/stowage/app/registry/migration")
          .table("stowage_schema_history")
          .failOnMissingLocations(true)
          .validateMigrationNaming(true)
          .cleanDisabled(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw failures.translate(e, "migrate");
    }
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} on a connection in auto-commit mode: each statement is atomic alone. */
  <T> T read(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failures.translate(e, "read");
    }
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it
   * throws. A transaction the database aborted to break a deadlock or a serialization conflict
   * is run again, so {@code work} must be repeatable.
   */
  <T> T write(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        dialect.begin(c);
        try {
          T result = work.run(c);
          dialect.commit(c);
          return result;
        } catch (SQLException | RuntimeException e) {
          try {
            dialect.rollback(c);
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < MAX_RETRIES && DatabaseFailures.isRetryable(e)) {
          pause(attempt);
          continue;
        }
        throw failures.translate(e, "write");
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 10 << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while retrying a registry transaction");
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
