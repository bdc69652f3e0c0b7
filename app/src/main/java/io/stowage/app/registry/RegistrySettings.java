package io.stowage.app.registry;

import io.stowage.api.BadStoreConfigurationException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the registry lives: the {@code registry} configuration section.
 *
 * @param url {@code jdbc:sqlite:FILE} (embedded; the file and its folder are created) or
 *     {@code jdbc:postgresql://HOST[:PORT]/DB}
 * @param user the database user (PostgreSQL)
 * @param password the database password (PostgreSQL)
 * @param maxPoolSize the most connections the pool holds
 */
public record RegistrySettings(
    String url, Optional<String> user, Optional<String> password, int maxPoolSize) {
  private static final String SQLITE = "jdbc:sqlite:";
  private static final String POSTGRESQL = "jdbc:postgresql:";

  /** The default pool size: enough for a server's request threads to rarely wait. */
  public static final int DEFAULT_POOL_SIZE = 8;

  /**
   * @throws BadStoreConfigurationException for a URL of another database, or a bad pool size
   */
  public RegistrySettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (!url.startsWith(SQLITE) && !url.startsWith(POSTGRESQL)) {
      throw new BadStoreConfigurationException("registry.url",
          "\"" + url + "\" is not a registry database URL (jdbc:sqlite:FILE or "
              + "jdbc:postgresql://HOST[:PORT]/DATABASE)");
    }
    if (url.startsWith(SQLITE) && sqlitePath(url).isBlank()) {
      throw new BadStoreConfigurationException("registry.url", "names no database file");
    }
    if (url.startsWith(SQLITE) && (sqlitePath(url).contains(":memory:")
        || sqlitePath(url).startsWith("file:"))) {
      throw new BadStoreConfigurationException("registry.url",
          "must name a database file (jdbc:sqlite:PATH); in-memory and file: URIs are not supported");
    }
    if (maxPoolSize < 1) {
      throw new BadStoreConfigurationException("registry.max_pool_size", "must be at least 1");
    }
  }

  /** An embedded registry in {@code file}. */
  public static RegistrySettings sqlite(Path file) {
    return new RegistrySettings(
        SQLITE + file.toAbsolutePath(), Optional.empty(), Optional.empty(), DEFAULT_POOL_SIZE);
  }

  /** Whether this is an embedded SQLite registry. */
  public boolean isSqlite() {
    return url.startsWith(SQLITE);
  }

  /**
   * This URL with a relative SQLite file resolved against {@code baseDir} (a configuration
   * file's folder); other URLs unchanged.
   */
  public RegistrySettings resolvedAgainst(Path baseDir) {
    if (!isSqlite()) {
      return this;
    }
    String path = sqlitePath(url);
    String query = url.substring(SQLITE.length() + path.length());
    String resolved = baseDir.resolve(path).toAbsolutePath().normalize().toString();
    return new RegistrySettings(SQLITE + resolved + query, user, password, maxPoolSize);
  }

  /** The SQLite database file. */
  Path sqliteFile() {
    return Path.of(sqlitePath(url));
  }

  private static String sqlitePath(String url) {
    String rest = url.substring(SQLITE.length());
    int q = rest.indexOf('?');
    return q < 0 ? rest : rest.substring(0, q);
  }

  /** The URL without credentials or parameters, for messages. */
  public String describe() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  @Override
  public String toString() {
    return "RegistrySettings[" + describe() + ", user=" + user.orElse("") + "]";
  }
}
