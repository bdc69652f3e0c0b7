package io.stowage.app.plugin;

import com.google.inject.Injector;
import com.google.inject.Module;
import io.stowage.api.ExtensionModule;
import io.stowage.api.cache.CacheDriverProvider;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.store.StoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.pf4j.PluginAlreadyLoadedException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins folder, loaded: the one registry of started extensions by type. Every jar is
 * either started with its extensions made, or reported with the reason it failed; a failing
 * plugin never stops the host. Extensions are handed out only through {@link PluginBoundary}
 * (context class loader set, unexpected failures named after the plugin).
 *
 * <p>Each plugin gets one injector: a child of the host services injector (which binds only
 * what store-api documents: a clock and a task scheduler), built from the plugin's
 * {@link ExtensionModule}s and its extension classes, explicit bindings only. (One injector per
 * plugin rather than one per extension: making an injector is most of a plugin's start, and every
 * command starts the plugins.) No plugin class is ever bound in a host injector.
 *
 * <p>Built and used from one thread; the reports and extension lists it returns are immutable,
 * and the extensions themselves are as thread-safe as their SPI says.
 */
public final class PluginHost implements AutoCloseable {
  /** The extension points the host uses, in the order extensions are made. */
  private static final List<Class<?>> EXTENSION_POINTS =
      List.of(StoreProvider.class, CacheDriverProvider.class, DiskFormat.class);

  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  private final StowagePluginManager manager;
  private final Injector services;
  private final List<PluginReport> reports = new ArrayList<>();
  private final Map<Class<?>, List<Object>> extensions = new LinkedHashMap<>();
  private final Map<String, String> failedInUse = new java.util.concurrent.ConcurrentHashMap<>();
  /** Plugins whose jar has not been checked for warnings yet, by id. */
  private final Map<String, Path> unchecked = new java.util.HashMap<>();

  private PluginHost(StowagePluginManager manager, Injector services) {
    this.manager = manager;
    this.services = services;
  }

  /**
   * Loads and starts every jar in {@code pluginsDir} and makes their extensions in children of
   * {@code services}. A missing folder means no plugins.
   */
  public static PluginHost start(Path pluginsDir, String hostVersion, Injector services) {
    StowagePluginManager manager = new StowagePluginManager(pluginsDir, hostVersion);
    PluginHost host = new PluginHost(manager, services);
    if (Files.isDirectory(pluginsDir)) {
      manager.loadPlugins();
      Map<String, String> duplicates = host.dropDuplicates();
      manager.startPlugins();
      host.collect(duplicates);
    }
    return host;
  }

  // Two jars with one plugin id: PF4J loads whichever it lists first and logs the other. Neither
  // is used; the report names both so the user removes the stale one.
  private Map<String, String> dropDuplicates() {
    Map<String, String> duplicates = new LinkedHashMap<>();
    for (var it = manager.unloadable().entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue() instanceof PluginAlreadyLoadedException dup) {
        String id = dup.getPluginId();
        PluginWrapper loaded = manager.getPlugin(id);
        TreeSet<String> jars = new TreeSet<>(List.of(e.getKey().getFileName().toString()));
        if (loaded != null) {
          jars.add(loaded.getPluginPath().getFileName().toString());
          manager.unloadPlugin(id);
        }
        duplicates.put(id, "plugin id \"" + id + "\" is in several jars (" + String.join(", ", jars)
            + "); remove all but one");
        it.remove();
      }
    }
    return duplicates;
  }

  private void collect(Map<String, String> duplicates) {
    manager.unloadable().forEach((path, error) ->
        reports.add(new PluginReport(path.getFileName().toString(), Optional.empty(), "failed",
            List.of(), Optional.of("cannot load " + path.getFileName() + ": "
                + PluginErrors.oneLine(error)), List.of())));
    duplicates.forEach((id, why) ->
        reports.add(new PluginReport(id, Optional.empty(), "failed", List.of(), Optional.of(why),
            List.of())));
    for (PluginWrapper plugin : manager.getPlugins()) {
      String id = plugin.getPluginId();
      Optional<String> version = Optional.of(plugin.getDescriptor().getVersion());
      List<String> classes = new ArrayList<>(manager.getExtensionClassNames(id));
      classes.sort(null);
      // Checking a plugin's jar means reading its whole entry list: done now only if the warnings
      // are logged, else when the reports are first asked for (`stowage plugins`).
      List<String> warnings = List.of();
      if (LOG.isWarnEnabled()) {
        warnings = warnings(plugin.getPluginPath(), classes);
        warnings.forEach(w -> LOG.warn("plugin {}: {}", id, w));
      } else {
        unchecked.put(id, plugin.getPluginPath());
      }
      Optional<String> error = failure(plugin);
      Map<Class<?>, List<Object>> made = new LinkedHashMap<>();
      if (error.isEmpty()) {
        error = make(plugin, made);
      }
      if (error.isEmpty()) {
        made.forEach((point, list) ->
            extensions.computeIfAbsent(point, k -> new ArrayList<>()).addAll(list));
        reports.add(new PluginReport(id, version, "started", classes, Optional.empty(), warnings));
      } else {
        reports.add(new PluginReport(id, version, "failed", classes, error, warnings));
      }
    }
    reports.sort(Comparator.comparing(PluginReport::id));
  }

  private Optional<String> failure(PluginWrapper plugin) {
    if (!manager.acceptsHost(plugin)) {
      return Optional.of("requires host version " + plugin.getDescriptor().getRequires().trim()
          + ", but this host is " + manager.getSystemVersion());
    }
    if (plugin.getPluginState() == PluginState.FAILED) {
      return Optional.of("failed to start: " + PluginErrors.oneLine(plugin.getFailedException()));
    }
    if (plugin.getPluginState() != PluginState.STARTED) {
      return Optional.of("not started (state " + plugin.getPluginState() + ")");
    }
    return Optional.empty();
  }

  private static List<String> warnings(Path jarFile, List<String> extensionClasses) {
    List<String> warnings = new ArrayList<>();
    TreeSet<String> bundled = new TreeSet<>();
    boolean index = false;
    try (JarFile jar = new JarFile(jarFile.toFile())) {
      for (var entries = jar.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName().replace('/', '.');
        index |= entry.getName().equals("META-INF/extensions.idx");
        for (String prefix : HostFirstClassLoader.HOST_PACKAGES) {
          if (name.startsWith(prefix) && name.endsWith(".class")) {
            bundled.add(prefix.substring(0, prefix.length() - 1));
          }
        }
      }
    } catch (IOException e) {
      warnings.add("cannot read the jar to check it: " + e.getMessage());
    }
    if (!bundled.isEmpty()) {
      warnings.add("bundles host packages (" + String.join(", ", bundled) + "); the host's copies"
          + " are used: declare those dependencies provided");
    }
    if (extensionClasses.isEmpty()) {
      warnings.add("contributes no extensions: " + (index
          ? "META-INF/extensions.idx lists none"
          : "the jar has no META-INF/extensions.idx (run PF4J's annotation processor; the"
              + " plugin parent pom does)"));
    }
    return warnings;
  }

  private Optional<String> make(PluginWrapper plugin, Map<Class<?>, List<Object>> made) {
    String id = plugin.getPluginId();
    ClassLoader loader = plugin.getPluginClassLoader();
    Map<Class<?>, List<? extends Class<?>>> types = new LinkedHashMap<>();
    for (Class<?> point : EXTENSION_POINTS) {
      try {
        types.put(point, manager.getExtensionClasses(point, id));
      } catch (RuntimeException | Error e) {
        rethrowFatal(e);
        return Optional.of("its extensions cannot be loaded: " + PluginErrors.oneLine(e));
      }
    }
    Injector injector;
    try {
      injector = PluginBoundary.withContextLoader(loader, () -> pluginInjector(id, types));
    } catch (RuntimeException | Error e) {
      rethrowFatal(e);
      return Optional.of("its extension module failed: " + PluginErrors.oneLine(e));
    }
    for (var entry : types.entrySet()) {
      Class<?> point = entry.getKey();
      for (Class<?> type : entry.getValue()) {
        try {
          Object extension = PluginBoundary.withContextLoader(loader, () -> injector.getInstance(type));
          made.computeIfAbsent(point, k -> new ArrayList<>())
              .add(wrap(point, extension, id, loader));
        } catch (RuntimeException | Error e) {
          rethrowFatal(e);
          return Optional.of("extension " + type.getName() + " failed: " + PluginErrors.oneLine(e));
        }
      }
    }
    return Optional.empty();
  }

  // A damaged jar fails as LinkageError (NoClassDefFoundError, ClassFormatError), often wrapped
  // by Guice or Guava in another Error: the plugin failed, not the host. Only the JVM's own
  // failures (out of memory) go on.
  private static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }

  private Injector pluginInjector(String id, Map<Class<?>, List<? extends Class<?>>> types) {
    List<Module> modules = new ArrayList<>();
    modules.add(binder -> {
      binder.requireExplicitBindings();
      // A class that implements two extension points is bound (and listed under each) once.
      types.values().stream().flatMap(List::stream).distinct().forEach(binder::bind);
    });
    for (Class<? extends ExtensionModule> type : manager.getExtensionClasses(ExtensionModule.class, id)) {
      try {
        modules.add(type.getDeclaredConstructor().newInstance());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(type.getName() + " needs a public no-argument constructor", e);
      }
    }
    return services.createChildInjector(modules);
  }

  private <T> T wrap(Class<T> point, Object extension, String id, ClassLoader loader) {
    return PluginBoundary.wrap(point, point.cast(extension), id, loader, failedInUse);
  }

  /**
   * Why plugin {@code pluginId} is broken, if it failed with a {@link LinkageError} while in use
   * (a class missing from its jar): its stores then report unavailable with this reason.
   */
  public Optional<String> failedInUse(String pluginId) {
    return Optional.ofNullable(failedInUse.get(pluginId));
  }

  /** Every jar found, sorted by id; a plugin broken in use is reported failed. */
  public synchronized List<PluginReport> reports() {
    if (!unchecked.isEmpty()) {
      reports.replaceAll(r -> unchecked.containsKey(r.id())
          ? new PluginReport(r.id(), r.version(), r.state(), r.extensions(), r.error(),
              warnings(unchecked.get(r.id()), r.extensions()))
          : r);
      unchecked.clear();
    }
    return reports.stream().map(r -> failedInUse(r.id())
        .map(why -> new PluginReport(r.id(), r.version(), "failed", r.extensions(),
            Optional.of(why), r.warnings()))
        .orElse(r)).toList();
  }

  /** The started extensions of one extension point, in plugin order, each behind its plugin's boundary. */
  public <T> List<T> extensions(Class<T> point) {
    return extensions.getOrDefault(point, List.of()).stream().map(point::cast).toList();
  }

  /** The id of the plugin an extension (or an object it returned) came from. */
  public static String pluginOf(Object extension) {
    return PluginBoundary.pluginOf(extension).orElse("host");
  }

  /** The plugins folder. */
  public Path pluginsDir() {
    return manager.getPluginsRoots().get(0);
  }

  /** Stops and unloads every plugin. */
  @Override
  public void close() {
    extensions.clear();
    manager.stopPlugins();
    manager.unloadPlugins();
  }
}
