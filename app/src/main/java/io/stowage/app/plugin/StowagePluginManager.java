package io.stowage.app.plugin;

import io.stowage.api.UnavailableException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.ExtensionFactory;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginAlreadyLoadedException;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J configured for Stowage: jar plugins only, always in deployment mode, {@code
 * Plugin-Requires} checked against the host version, host packages loaded parent-first, and
 * jars that cannot be loaded at all remembered with their reason instead of only logged.
 * Extensions are made by {@link PluginHost}, not by PF4J's factory (which is never asked).
 * Not thread-safe (neither is PF4J): one thread loads and starts.
 */
final class StowagePluginManager extends JarPluginManager {
  private final Map<Path, RuntimeException> unloadable = new LinkedHashMap<>();

  StowagePluginManager(Path pluginsDir, String hostVersion) {
    super(pluginsDir);
    setSystemVersion(hostVersion);
  }

  @Override
  public RuntimeMode getRuntimeMode() {
    return RuntimeMode.DEPLOYMENT;
  }

  @Override
  protected ExtensionFactory createExtensionFactory() {
    return new ExtensionFactory() {
      @Override
      public <T> T create(Class<T> extensionClass) {
        throw new IllegalStateException("extensions are made by the host, not by PF4J");
      }
    };
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
      PluginDescriptor descriptor = getPluginDescriptorFinder().find(pluginPath);
      PluginWrapper loaded = getPlugin(descriptor.getPluginId());
      if (loaded != null) {
        throw new PluginAlreadyLoadedException(descriptor.getPluginId(), pluginPath);
      }
      return super.loadPluginFromPath(pluginPath);
    } catch (PluginRuntimeException e) {
      unloadable.put(pluginPath, e);
      throw e;
    } catch (RuntimeException e) {
      // PF4J goes on to the next jar only after its own exception: anything else from a damaged
      // jar would stop the loading of every plugin. (A jar whose manifest cannot be read makes
      // PF4J's descriptor finder throw NullPointerException.)
      unloadable.put(pluginPath, new UnavailableException(e instanceof NullPointerException
          ? "it has no readable plugin descriptor (a META-INF/MANIFEST.MF with Plugin-Id)"
          : PluginErrors.oneLine(e)));
      throw new PluginRuntimeException(e, "cannot load {}", pluginPath);
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
