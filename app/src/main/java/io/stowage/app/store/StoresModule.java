package io.stowage.app.store;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.plugin.PluginHost;
import io.stowage.app.runtime.Lifecycle;

/** The configured stores (each built on first use), closed with the host. */
public final class StoresModule extends AbstractModule {
  @Provides
  @Singleton
  Stores stores(HostConfig config, ConfigLoader loader, PluginHost plugins, Lifecycle lifecycle) {
    return lifecycle.onClose("stores", new Stores(config, loader, plugins));
  }
}
