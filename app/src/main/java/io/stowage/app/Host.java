package io.stowage.app;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinder;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.disk.DiskFormats;
import io.stowage.app.plugin.Contribution;
import io.stowage.app.plugin.PluginHost;
import io.stowage.app.store.ConfiguredStore;
import io.stowage.app.store.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * A running host: configuration read, plugins started, one store per configured instance.
 * Boot order: the host injector (configuration, loader) → PF4J over the plugins folder with a
 * Guice extension factory → stores built from their providers → a child injector with the
 * stores bound in a map by instance id.
 *
 * <p>Boot from one thread; afterwards the stores may be used from any thread.
 */
public final class Host implements AutoCloseable {
  static {
    // No generated classes: Guice then defines nothing in plugins' class loaders, and on JDK 23+
    // it no longer reaches for sun.misc.Unsafe (which prints warnings on every command).
    if (System.getProperty("guice_bytecode_gen_option") == null) {
      System.setProperty("guice_bytecode_gen_option", "DISABLED");
    }
  }

  private final HostConfig config;
  private final PluginHost plugins;
  private final Stores stores;
  private final Injector injector;

  private Host(HostConfig config, PluginHost plugins, Stores stores, Injector injector) {
    this.config = config;
    this.plugins = plugins;
    this.stores = stores;
    this.injector = injector;
  }

  /** The host's version, which plugins' {@code Plugin-Requires} ranges are checked against. */
  public static String version() {
    try (InputStream in = Host.class.getResourceAsStream("host.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts plugins and builds stores from {@code config}. */
  @SuppressWarnings("rawtypes")
  public static Host boot(HostConfig config, ConfigLoader loader) {
    Injector root = Guice.createInjector(Stage.PRODUCTION, new AbstractModule() {
      @Override
      protected void configure() {
        binder().requireExplicitBindings();
        bind(HostConfig.class).toInstance(config);
      }
    });
    PluginHost plugins = PluginHost.start(config.pluginsDir(), version(), root);
    List<Contribution<StoreProvider>> providers = plugins.contributions(StoreProvider.class);
    Stores stores = Stores.bind(config, loader, providers);
    Injector injector = root.createChildInjector(new AbstractModule() {
      @Override
      protected void configure() {
        MapBinder<String, Store> byId = MapBinder.newMapBinder(binder(), String.class, Store.class);
        for (ConfiguredStore s : stores.all()) {
          s.store().ifPresent(store -> byId.addBinding(s.id()).toInstance(store));
        }
        bind(Stores.class).toInstance(stores);
        bind(PluginHost.class).toInstance(plugins);
      }
    });
    return new Host(config, plugins, stores, injector);
  }

  public HostConfig config() {
    return config;
  }

  public PluginHost plugins() {
    return plugins;
  }

  public Stores stores() {
    return stores;
  }

  /** The disk formats the started plugins contribute. */
  public DiskFormats diskFormats() {
    return new DiskFormats(plugins.contributions(DiskFormat.class));
  }

  /** The injector with the host's bindings and the working stores by id. */
  public Injector injector() {
    return injector;
  }

  @Override
  public void close() {
    stores.close();
    plugins.close();
  }
}
