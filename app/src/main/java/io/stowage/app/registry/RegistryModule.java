package io.stowage.app.registry;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.stowage.app.config.HostConfig;

/**
 * Binds {@link ImageRegistry} from the {@code registry} section of the bound
 * {@link HostConfig}. The database is opened on first use, not when the injector is built, so
 * commands that never touch images do not open it; whoever owns the injector closes the
 * registry when the host stops.
 */
public final class RegistryModule extends AbstractModule {
  @Provides
  @Singleton
  ImageRegistry registry(HostConfig config) {
    return new OnFirstUseRegistry(config.registry());
  }
}
