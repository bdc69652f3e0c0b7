package io.stowage.tck.selftest;


import io.stowage.api.store.Store;
import io.stowage.tck.StoreContract;
import java.nio.file.Path;

/** The kit against a correct store that keeps nothing in files: every test must pass. */
class InMemoryStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Path workDir) {
    return new InMemoryStore("tck");
  }
}
