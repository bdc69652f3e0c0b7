package io.stowage.tck.selftest;


import io.stowage.api.store.Store;
import io.stowage.tck.StoreContract;
import java.nio.file.Path;
import java.util.Set;

/** The kit against a correct file store: every test must pass. */
class SimpleFileStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Path workDir) {
    return new SimpleFileStore("tck", workDir, Set.of());
  }

  @Override
  protected boolean persistent() {
    return true;
  }
}
