package io.stowage.content;

import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.config.ConfigBinder;
import io.stowage.tck.StoreContract;
import java.nio.file.Path;

/**
 * The store-tck contract, run against a content store over the kit's work dir, configured from
 * YAML exactly as the host binds it.
 */
class ContentStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Path workDir) {
    return new ConfigBinder().create(new ContentStoreProvider(), """
        type: content
        root: content
        ingest_expiry: 2d
        checkpoint_interval: 1MiB
        """, new InstanceContext("tck", workDir));
  }

  @Override
  protected boolean persistent() {
    return true;
  }
}
