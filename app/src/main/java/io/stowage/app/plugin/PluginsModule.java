package io.stowage.app.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.stowage.app.config.HostConfig;
import io.stowage.app.runtime.PluginServices;
import io.stowage.app.runtime.Lifecycle;

/** The plugins folder, loaded and started when first asked for; stopped when the host closes. */
public final class PluginsModule extends AbstractModule {
  private final String hostVersion;

  public PluginsModule(String hostVersion) {
    this.hostVersion = hostVersion;
  }

  @Provides
  @Singleton
  PluginHost plugins(HostConfig config, PluginServices services, Lifecycle lifecycle) {
    return lifecycle.onClose("plugins", PluginHost.start(config.pluginsDir(), hostVersion, services.injector()));
  }
}
