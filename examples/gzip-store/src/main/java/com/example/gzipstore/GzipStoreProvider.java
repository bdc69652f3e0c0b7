package com.example.gzipstore;


import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import java.nio.file.Path;
import org.pf4j.Extension;

/** Store type {@code gzip}: {@code dir} (required) and {@code level} (1-9, default 6). */
@Extension
public final class GzipStoreProvider implements StoreProvider<GzipStoreProvider.Config> {

  /** The YAML keys of a {@code type: gzip} store. */
  public record Config(String dir, Integer level) {}

  @Override
  public String type() {
    return "gzip";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Store create(Config config, InstanceContext context) {
    if (config.dir() == null || config.dir().isBlank()) {
      throw new BadStoreConfigurationException("dir", "is required");
    }
    int level = config.level() == null ? 6 : config.level();
    if (level < 1 || level > 9) {
      throw new BadStoreConfigurationException("level", level + " is not between 1 and 9");
    }
    Path dir = context.resolve(config.dir());
    return new GzipStore(context.instanceId(), dir, level);
  }
}
