package io.stowage.content;

import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.tck.StoreContract;
import java.nio.file.Path;

/** The store-tck contract, run against a content store over the kit's work dir. */
class ContentStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Path workDir) {
    return new ContentStoreProvider()
        .create("tck", ContentConfig.ofRoot("content"), new InstanceContext("tck", workDir));
  }

  @Override
  protected boolean persistent() {
    return true;
  }
}
