package io.stowage.app.plugin;

import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J configured for Stowage: jar plugins only, always in deployment mode, {@code
 * Plugin-Requires} checked against the host version, host packages loaded parent-first,
 * extensions made through Guice, and jars that cannot be loaded at all remembered with their
 * reason instead of only logged. Not thread-safe (neither is PF4J): one thread loads and starts.
 */
final class StowagePluginManager extends JarPluginManager {
  private final Map<Path, RuntimeException> unloadable = new LinkedHashMap<>();

  StowagePluginManager(Path pluginsDir, String hostVersion, Injector injector) {
    super(pluginsDir);
    setSystemVersion(hostVersion);
    this.extensionFactory = new GuiceExtensionFactory(injector);
  }

  @Override
  public RuntimeMode getRuntimeMode() {
    return RuntimeMode.DEPLOYMENT;
  }

  @Override
  protected PluginLoader createPluginLoader() {
    return new JarPluginLoader(this) {
      @Override
      public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
        HostFirstClassLoader loader =
            new HostFirstClassLoader(pluginManager, descriptor, getClass().getClassLoader());
        loader.addFile(pluginPath.toFile());
        return loader;
      }
    };
  }

  @Override
  protected PluginWrapper loadPluginFromPath(Path pluginPath) {
    try {
      return super.loadPluginFromPath(pluginPath);
    } catch (RuntimeException e) {
      unloadable.put(pluginPath, e);
      throw e;
    }
  }

  /** Jars that could not be loaded, with why. */
  Map<Path, RuntimeException> unloadable() {
    return unloadable;
  }

  /** Whether the plugin's {@code Plugin-Requires} accepts this host's version. */
  boolean acceptsHost(PluginWrapper plugin) {
    return isPluginValid(plugin);
  }

}
