package io.stowage.filesystem;

import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.config.ConfigBinder;
import io.stowage.tck.StoreContract;
import java.nio.file.Path;

/**
 * The store-tck contract, run against a filesystem store over the kit's work dir, configured
 * from YAML exactly as the host binds it. Subclasses run the whole contract again for each
 * configuration that takes another path through the store (see the files beside this one).
 */
class FilesystemStoreContractTest extends StoreContract {
  /** The store's YAML settings (relative paths are under the work dir). */
  String yaml() {
    return """
        type: filesystem
        datadir: images
        """;
  }

  @Override
  protected Store newStore(Path workDir) {
    return new ConfigBinder()
        .create(new FilesystemStoreProvider(), yaml(), new InstanceContext("tck", workDir));
  }

  @Override
  protected boolean persistent() {
    return true;
  }
}
