package io.stowage.app.store;


import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import io.stowage.api.store.StoreProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.plugin.Contribution;
import io.stowage.app.plugin.PluginErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds one store per configured instance from the started store providers. */
final class StoreBinder {
  private final ConfigLoader loader;
  private final Map<String, Contribution<StoreProvider<?>>> providers = new LinkedHashMap<>();
  private final Map<String, String> ambiguous = new LinkedHashMap<>();

  @SuppressWarnings({"unchecked", "rawtypes"})
  StoreBinder(ConfigLoader loader, List<Contribution<StoreProvider>> contributions) {
    this.loader = loader;
    for (Contribution<StoreProvider> c : contributions) {
      String type = c.call(() -> c.extension().type());
      Contribution<StoreProvider<?>> typed = (Contribution) c;
      Contribution<StoreProvider<?>> previous = providers.putIfAbsent(type, typed);
      if (previous != null) {
        ambiguous.put(type, "plugins " + previous.pluginId() + " and " + c.pluginId()
            + " both provide store type \"" + type + "\"");
      }
    }
  }

  List<ConfiguredStore> bindAll(HostConfig config) {
    List<ConfiguredStore> out = new ArrayList<>();
    config.stores().forEach((id, body) -> out.add(bind(config, id, body)));
    return out;
  }

  private ConfiguredStore bind(HostConfig config, String id, ObjectNode body) {
    String type = body.get("type").asText();
    Contribution<StoreProvider<?>> provider = providers.get(type);
    if (ambiguous.containsKey(type)) {
      return unavailable(id, type, ambiguous.get(type));
    }
    if (provider == null) {
      return unavailable(id, type, "no started plugin provides store type \"" + type + "\""
          + (providers.isEmpty() ? "" : " (available: " + String.join(", ", providers.keySet()) + ")"));
    }
    ObjectNode settings = body.deepCopy();
    settings.remove("type");
    String path = "stores." + id;
    try {
      return new ConfiguredStore(id, type, Optional.of(create(provider, id, settings,
          new InstanceContext(id, config.baseDir()))), Optional.empty());
    } catch (BadStoreConfigurationException e) {
      return unavailable(id, type, e.under(path).getMessage());
    } catch (RuntimeException | LinkageError e) {
      return unavailable(id, type, "provider " + provider.pluginId() + " failed: " + PluginErrors.oneLine(e));
    }
  }

  private <C> io.stowage.api.store.Store create(Contribution<StoreProvider<?>> contribution, String id,
      ObjectNode settings, InstanceContext context) {
    @SuppressWarnings("unchecked")
    StoreProvider<C> provider = (StoreProvider<C>) contribution.extension();
    return contribution.call(() -> {
      // Errors carry paths relative to the store's subtree; the caller adds stores.<id>.
      C bound = loader.bind(settings, provider.configType(), "");
      return new PluginBoundStore(provider.create(bound, context), contribution.classLoader());
    });
  }

  private static ConfiguredStore unavailable(String id, String type, String why) {
    return new ConfiguredStore(id, type, Optional.empty(), Optional.of(why));
  }
}
