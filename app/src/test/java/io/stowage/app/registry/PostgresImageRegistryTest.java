package io.stowage.app.registry;

/**
 * The registry contract on PostgreSQL: a private cluster started for the tests (skipped with a
 * message when PostgreSQL is not installed, failing instead under CI).
 */
class PostgresImageRegistryTest extends ImageRegistryContract {
  @Override
  RegistrySettings freshDatabase() {
    return PostgresCluster.get().freshDatabase();
  }
}
