package io.stowage.app.config;

import com.google.inject.AbstractModule;

/** The configuration the host was started with, and the loader that binds plugins' sections. */
public final class ConfigModule extends AbstractModule {
  private final HostConfig config;
  private final ConfigLoader loader;

  public ConfigModule(HostConfig config, ConfigLoader loader) {
    this.config = config;
    this.loader = loader;
  }

  @Override
  protected void configure() {
    bind(HostConfig.class).toInstance(config);
    bind(ConfigLoader.class).toInstance(loader);
  }
}
