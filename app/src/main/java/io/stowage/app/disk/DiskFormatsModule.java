package io.stowage.app.disk;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.stowage.api.disk.DiskFormat;
import io.stowage.app.plugin.PluginHost;

/** The disk formats the started plugins contribute. */
public final class DiskFormatsModule extends AbstractModule {
  @Provides
  @Singleton
  DiskFormats formats(PluginHost plugins) {
    return new DiskFormats(plugins.extensions(DiskFormat.class));
  }
}
