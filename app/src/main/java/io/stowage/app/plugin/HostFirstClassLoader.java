package io.stowage.app.plugin;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader: the plugin's own classes first (so its private libraries win), but
 * the packages the host shares with plugins always from the host. A plugin that bundles its own
 * copy of store-api, Jackson or SLF4J by mistake still sees the host's, so its extensions stay
 * assignable to the host's extension points.
 */
final class HostFirstClassLoader extends PluginClassLoader {
  /** Package prefixes plugins always get from the host. */
  static final String[] HOST_PACKAGES = {
    "io.stowage.api.",
    "org.pf4j.",
    "org.slf4j.",
    "com.fasterxml.jackson.",
    "com.google.inject.",
    "jakarta.inject.",
    "javax.inject.",
  };

  HostFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
    super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
  }

  @Override
  public Class<?> loadClass(String className) throws ClassNotFoundException {
    for (String prefix : HOST_PACKAGES) {
      if (className.startsWith(prefix)) {
        return getParent().loadClass(className);
      }
    }
    return super.loadClass(className);
  }
}
