package io.stowage.app.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import io.stowage.api.PluginFailureException;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.plugin.PluginErrors;
import io.stowage.app.plugin.PluginHost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a configured store from the started store providers. Thread-safe once built. */
final class StoreBinder {
  private final ConfigLoader loader;
  private final Path baseDir;
  private final Map<String, StoreProvider<?>> providers = new LinkedHashMap<>();
  private final Map<String, String> ambiguous = new LinkedHashMap<>();

  private final java.util.function.Function<String, java.util.Optional<String>> failedInUse;

  /** @param failedInUse why a plugin (by id) broke while in use, if it did */
  @SuppressWarnings({"rawtypes", "unchecked"})
  StoreBinder(ConfigLoader loader, Path baseDir, List<StoreProvider> started,
      java.util.function.Function<String, java.util.Optional<String>> failedInUse) {
    this.loader = loader;
    this.baseDir = baseDir;
    this.failedInUse = failedInUse;
    for (StoreProvider provider : started) {
      String type = provider.type();
      StoreProvider<?> previous = providers.putIfAbsent(type, provider);
      if (previous != null) {
        ambiguous.put(type, "plugins " + PluginHost.pluginOf(previous) + " and "
            + PluginHost.pluginOf(provider) + " both provide store type \"" + type + "\"");
      }
    }
  }

  /** Why the plugin providing store {@code type} broke while in use, if it did. */
  java.util.Optional<String> failedInUse(String type) {
    StoreProvider<?> provider = providers.get(type);
    return provider == null ? java.util.Optional.empty()
        : failedInUse.apply(PluginHost.pluginOf(provider));
  }

  /** Why a store could not be built, and the failure behind it (for {@code STOWAGE_DEBUG}). */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String reason, Throwable cause) {
      super(reason, cause, false, false);
    }
  }

  /** Builds store {@code id} of {@code type} from its configuration subtree (without type). */
  Store create(String id, String type, ObjectNode settings) throws Failure {
    if (ambiguous.containsKey(type)) {
      throw new Failure(ambiguous.get(type), null);
    }
    StoreProvider<?> provider = providers.get(type);
    if (provider == null) {
      throw new Failure("no started plugin provides store type \"" + type + "\""
          + (providers.isEmpty() ? "" : " (available: " + String.join(", ", providers.keySet()) + ")"),
          null);
    }
    try {
      return new CapabilityCheckedStore(build(provider, id, settings));
    } catch (BadStoreConfigurationException e) {
      throw new Failure(e.under("stores." + id).getMessage(), e);
    } catch (PluginFailureException e) {
      throw new Failure("provider " + e.pluginId() + " failed: " + PluginErrors.oneLine(e.getCause()), e);
    } catch (RuntimeException | LinkageError e) {
      throw new Failure("provider " + PluginHost.pluginOf(provider) + " failed: " + PluginErrors.oneLine(e), e);
    }
  }

  private <C> Store build(StoreProvider<C> provider, String id, ObjectNode settings) {
    // Errors carry paths relative to the store's subtree; the caller adds stores.<id>.
    C bound = loader.bind(settings, provider.configType(), "");
    return provider.create(bound, new InstanceContext(id, baseDir));
  }
}
