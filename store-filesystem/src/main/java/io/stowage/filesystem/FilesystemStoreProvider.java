package io.stowage.filesystem;


import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import org.pf4j.Extension;

/**
 * The {@code filesystem} store type: images as files in one or more data folders, addressed as
 * {@code file:///folder/<image id>}. Stateless and thread-safe.
 */
@Extension
public final class FilesystemStoreProvider implements StoreProvider<FilesystemConfig> {

  @Override
  public String type() {
    return "filesystem";
  }

  @Override
  public Class<FilesystemConfig> configType() {
    return FilesystemConfig.class;
  }

  /**
   * Validates {@code config}, creates missing data folders, removes temporary files a crash
   * left behind, and returns the store. A folder that cannot be written does not fail this: the
   * store then serves reads and refuses adds with {@link io.stowage.api.WriteDeniedException}.
   *
   * @throws io.stowage.api.BadStoreConfigurationException a value is invalid
   */
  @Override
  public Store create(FilesystemConfig config, InstanceContext context) {
    return FilesystemStore.open(context.instanceId(), Settings.from(config, context));
  }
}
