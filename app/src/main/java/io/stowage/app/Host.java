package io.stowage.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.ConfigModule;
import io.stowage.app.config.HostConfig;
import io.stowage.app.disk.DiskFormats;
import io.stowage.app.disk.DiskFormatsModule;
import io.stowage.app.plugin.PluginHost;
import io.stowage.app.plugin.PluginsModule;
import io.stowage.app.runtime.HostServicesModule;
import io.stowage.app.runtime.Lifecycle;
import io.stowage.app.service.ImageStorage;
import io.stowage.app.service.ServiceModule;
import io.stowage.app.store.Stores;
import io.stowage.app.store.StoresModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A host: configuration read, and everything else made when first asked for — plugins started
 * by the first call that needs an extension, each store built by the first call that uses it.
 * So {@code stowage plugins}, {@code inspect} and {@code disk} build no store and touch no data
 * folder. The parts are Guice modules ({@link #modules}); {@link #close} stops background work,
 * closes the stores that were built and stops the plugins.
 *
 * <p>Thread-safe: the parts are built once, under Guice's singleton lock.
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
  private final Injector injector;

  private Host(HostConfig config, Injector injector) {
    this.config = config;
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

  /**
   * The modules a host is made of. A new part of the host (registry, server, cache) adds its
   * module here, one line.
   */
  static List<Module> modules(HostConfig config, ConfigLoader loader, Clock clock) {
    List<Module> modules = new ArrayList<>();
    modules.add(binder -> binder.requireExplicitBindings());
    modules.add(new ConfigModule(config, loader));
    modules.add(new HostServicesModule(clock));
    modules.add(new PluginsModule(version()));
    modules.add(new DiskFormatsModule());
    modules.add(new StoresModule());
    modules.add(new ServiceModule());
    return modules;
  }

  /** A host for {@code config}; starts nothing yet. */
  public static Host boot(HostConfig config, ConfigLoader loader) {
    return boot(config, loader, Clock.systemUTC());
  }

  /** A host for {@code config} whose plugins see {@code clock}. */
  public static Host boot(HostConfig config, ConfigLoader loader, Clock clock) {
    // DEVELOPMENT: singletons are made when first asked for, which is the host's lifecycle.
    return new Host(config, Guice.createInjector(Stage.DEVELOPMENT, modules(config, loader, clock)));
  }

  public HostConfig config() {
    return config;
  }

  /** The plugins, started now if they are not yet. */
  public PluginHost plugins() {
    return injector.getInstance(PluginHost.class);
  }

  /** The configured stores (built one by one as they are used). Interfaces use {@link #imageStorage()}. */
  public Stores stores() {
    return injector.getInstance(Stores.class);
  }

  /** The disk formats the started plugins contribute. */
  public DiskFormats diskFormats() {
    return injector.getInstance(DiskFormats.class);
  }

  /** The application layer every interface stores and reads images through. */
  public ImageStorage imageStorage() {
    return injector.getInstance(ImageStorage.class);
  }

  /** The host's background tasks (stopped first when the host closes). */
  public io.stowage.api.TaskScheduler scheduler() {
    return injector.getInstance(io.stowage.api.TaskScheduler.class);
  }

  /** Stops background work, closes the stores that were built, stops the plugins. Idempotent. */
  @Override
  public void close() {
    injector.getInstance(Lifecycle.class).close();
  }
}
