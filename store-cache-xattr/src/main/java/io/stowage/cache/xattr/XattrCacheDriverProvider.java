package io.stowage.cache.xattr;

import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CacheDriverProvider;
import org.pf4j.Extension;

/** The {@code xattr} image cache ({@code cache.driver: xattr}). */
@Extension
public final class XattrCacheDriverProvider implements CacheDriverProvider<XattrCacheConfig> {

  /** For PF4J. */
  public XattrCacheDriverProvider() {}

  @Override
  public String driver() {
    return "xattr";
  }

  @Override
  public Class<XattrCacheConfig> configType() {
    return XattrCacheConfig.class;
  }

  /**
   * Opens the cache folder, creating it and its subfolders, after checking that its file system
   * keeps user extended attributes.
   *
   * @throws BadStoreConfigurationException {@code dir} is missing, cannot be created or
   *     written, or lives on a file system without user extended attributes (ramfs, say)
   */
  @Override
  public CacheDriver create(XattrCacheConfig config, InstanceContext context) {
    if (config.dir().isBlank()) {
      throw new BadStoreConfigurationException("dir", "the cache folder is not set");
    }
    return XattrCacheDriver.open(context.resolve(config.dir()));
  }
}
