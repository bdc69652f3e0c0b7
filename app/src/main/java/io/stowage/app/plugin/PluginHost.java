package io.stowage.app.plugin;


import io.stowage.api.cache.CacheDriverProvider;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.store.StoreProvider;
import com.google.inject.Injector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * The plugins folder, loaded: every jar either started with its extensions made, or reported
 * with the reason it failed. A failing plugin never stops the host.
 *
 * <p>Built and used from one thread; the reports and contributions it returns are immutable.
 */
public final class PluginHost implements AutoCloseable {
  private static final List<Class<?>> EXTENSION_POINTS =
      List.of(StoreProvider.class, CacheDriverProvider.class, DiskFormat.class);

  private final StowagePluginManager manager;
  private final List<PluginReport> reports = new ArrayList<>();
  private final Map<Class<?>, List<Contribution<?>>> contributions = new LinkedHashMap<>();

  private PluginHost(StowagePluginManager manager) {
    this.manager = manager;
  }

  /**
   * Loads and starts every jar in {@code pluginsDir} and makes their extensions through
   * {@code injector}. A missing folder means no plugins.
   */
  public static PluginHost start(Path pluginsDir, String hostVersion, Injector injector) {
    StowagePluginManager manager = new StowagePluginManager(pluginsDir, hostVersion, injector);
    PluginHost host = new PluginHost(manager);
    if (Files.isDirectory(pluginsDir)) {
      manager.loadPlugins();
      manager.startPlugins();
    }
    host.collect();
    return host;
  }

  private void collect() {
    manager.unloadable().forEach((path, error) ->
        reports.add(new PluginReport(path.getFileName().toString(), Optional.empty(), "failed",
            List.of(), Optional.of("cannot load " + path.getFileName() + ": " + PluginErrors.oneLine(error)))));
    for (PluginWrapper plugin : manager.getPlugins()) {
      String id = plugin.getPluginId();
      Optional<String> version = Optional.of(plugin.getDescriptor().getVersion());
      List<String> classes = new ArrayList<>(manager.getExtensionClassNames(id));
      classes.sort(null);
      Optional<String> error = failure(plugin);
      List<Contribution<?>> made = new ArrayList<>();
      if (error.isEmpty()) {
        error = make(plugin, made);
      }
      if (error.isEmpty()) {
        for (Contribution<?> c : made) {
          contributions.computeIfAbsent(pointOf(c.extension()), k -> new ArrayList<>()).add(c);
        }
        reports.add(new PluginReport(id, version, "started", classes, Optional.empty()));
      } else {
        reports.add(new PluginReport(id, version, "failed", classes, error));
      }
    }
    reports.sort(java.util.Comparator.comparing(PluginReport::id));
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

  private Optional<String> make(PluginWrapper plugin, List<Contribution<?>> made) {
    ClassLoader loader = plugin.getPluginClassLoader();
    for (Class<?> point : EXTENSION_POINTS) {
      for (Class<?> type : manager.getExtensionClasses(point, plugin.getPluginId())) {
        try {
          Object extension = Contribution.withContextLoader(loader,
              () -> manager.getExtensionFactory().create(type));
          made.add(new Contribution<>(plugin.getPluginId(), extension, loader));
        } catch (RuntimeException | LinkageError e) {
          return Optional.of("extension " + type.getName() + " failed: " + PluginErrors.oneLine(e));
        }
      }
    }
    return Optional.empty();
  }

  private static Class<?> pointOf(Object extension) {
    for (Class<?> point : EXTENSION_POINTS) {
      if (point.isInstance(extension)) {
        return point;
      }
    }
    throw new IllegalStateException("not an extension: " + extension.getClass());
  }

  /** Every jar found, sorted by id. */
  public List<PluginReport> reports() {
    return List.copyOf(reports);
  }

  /** The started extensions of one extension point, in plugin order. */
  @SuppressWarnings("unchecked")
  public <T> List<Contribution<T>> contributions(Class<T> point) {
    List<Contribution<T>> out = new ArrayList<>();
    for (Contribution<?> c : contributions.getOrDefault(point, List.of())) {
      out.add((Contribution<T>) c);
    }
    return out;
  }

  /** The plugins folder. */
  public Path pluginsDir() {
    return manager.getPluginsRoots().get(0);
  }

  @Override
  public void close() {
    manager.stopPlugins();
    manager.unloadPlugins();
  }
}
