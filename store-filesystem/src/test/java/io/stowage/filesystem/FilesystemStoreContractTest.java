package io.stowage.filesystem;


import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.tck.StoreContract;
import java.nio.file.Path;

/** The store-tck contract, run against a filesystem store over the kit's work dir. */
class FilesystemStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Path workDir) {
    return new FilesystemStoreProvider()
        .create(FilesystemConfig.ofDatadir("images"), new InstanceContext("tck", workDir));
  }

  @Override
  protected boolean persistent() {
    return true;
  }
}
