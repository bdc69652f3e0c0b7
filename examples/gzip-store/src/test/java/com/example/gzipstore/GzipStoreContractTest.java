package com.example.gzipstore;


import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.tck.StoreContract;
import java.nio.file.Path;

/** The gzip store keeps the Store contract (ranged-read tests are skipped: it has no RANGED_READ). */
class GzipStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Path workDir) {
    return new GzipStoreProvider()
        .create(new GzipStoreProvider.Config("images", 1), new InstanceContext("tck", workDir));
  }
}
