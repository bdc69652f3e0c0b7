package io.stowage.app.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on an embedded SQLite file. */
class SqliteImageRegistryTest extends ImageRegistryContract {
  @TempDir Path dir;
  private int databases;

  @Override
  RegistrySettings freshDatabase() {
    return RegistrySettings.sqlite(dir.resolve("db" + (++databases)).resolve("registry.db"));
  }
}
