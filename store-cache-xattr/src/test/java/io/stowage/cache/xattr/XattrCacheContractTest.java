package io.stowage.cache.xattr;

import io.stowage.api.InstanceContext;
import io.stowage.api.cache.CacheDriver;
import io.stowage.tck.cache.CacheDriverContract;
import java.nio.file.Path;

class XattrCacheContractTest extends CacheDriverContract {
  @Override
  protected CacheDriver newDriver(Path dir) {
    return new XattrCacheDriverProvider()
        .create(new XattrCacheConfig(dir.toString()), new InstanceContext("cache", dir));
  }
}
