package io.stowage.app.store;


import io.stowage.api.BadLocationException;
import io.stowage.api.store.Capability;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import io.stowage.api.UnavailableException;
import io.stowage.api.UnknownSchemeException;
import io.stowage.api.UnsupportedStoreOperationException;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.plugin.Contribution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured stores, and the router from a location to the store that serves it: by the
 * location's store id when it has one, else by its URI scheme; among several stores of one
 * scheme, the first (in configuration order) that owns the URI. Thread-safe once built.
 */
public final class Stores implements AutoCloseable {
  private final Map<String, ConfiguredStore> byId = new LinkedHashMap<>();
  private final Optional<String> defaultStore;

  private Stores(List<ConfiguredStore> stores, Optional<String> defaultStore) {
    stores.forEach(s -> byId.put(s.id(), s));
    this.defaultStore = defaultStore;
  }

  /** Builds every configured store from the started providers. */
  @SuppressWarnings("rawtypes")
  public static Stores bind(HostConfig config, ConfigLoader loader,
      List<Contribution<StoreProvider>> providers) {
    return new Stores(new StoreBinder(loader, providers).bindAll(config), config.defaultStore());
  }

  /** Every configured store, in configuration order. */
  public List<ConfiguredStore> all() {
    return List.copyOf(byId.values());
  }

  /**
   * The store with this id.
   *
   * @throws UnavailableException it is not configured, or not working
   */
  public Store byId(String id) {
    ConfiguredStore s = byId.get(id);
    if (s == null) {
      throw new UnavailableException("no store \"" + id + "\" is configured"
          + (byId.isEmpty() ? "" : " (configured: " + String.join(", ", byId.keySet()) + ")"));
    }
    return s.require();
  }

  /** The store adds go to when none is named: {@code default_store}, else the only store. */
  public Store forWriting() {
    if (defaultStore.isPresent()) {
      return byId(defaultStore.get());
    }
    if (byId.size() == 1) {
      return byId.values().iterator().next().require();
    }
    throw new UnavailableException(byId.isEmpty() ? "no store is configured"
        : "several stores are configured and default_store is not set; name one with --store");
  }

  /**
   * The store that serves {@code location}.
   *
   * @throws UnknownSchemeException no configured store serves its scheme
   * @throws UnavailableException the store that would serve it is not working
   * @throws BadLocationException no store of its scheme owns it
   */
  public Store route(Location location) {
    if (location.storeId().isPresent()) {
      Store store = byId(location.storeId().get());
      if (!store.schemes().contains(location.scheme())) {
        throw new BadLocationException("store \"" + store.id() + "\" does not serve "
            + location.scheme() + ": locations");
      }
      return store;
    }
    List<Store> candidates = new ArrayList<>();
    List<String> down = new ArrayList<>();
    for (ConfiguredStore s : byId.values()) {
      if (s.store().isPresent()) {
        if (s.store().get().schemes().contains(location.scheme())) {
          candidates.add(s.store().get());
        }
      } else {
        down.add(s.id() + ": " + s.problem().orElse("unknown reason"));
      }
    }
    if (candidates.isEmpty()) {
      if (!down.isEmpty()) {
        throw new UnavailableException("no working store serves " + location.scheme()
            + ": locations; unavailable: " + String.join("; ", down));
      }
      throw new UnknownSchemeException("no configured store serves " + location.scheme() + ": locations");
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    for (Store s : candidates) {
      if (s.owns(location.uri())) {
        return s;
      }
    }
    throw new BadLocationException("no " + location.scheme() + " store owns " + location.uri());
  }

  /**
   * Checks that the store can do {@code capability}.
   *
   * @throws UnsupportedStoreOperationException it cannot
   */
  public static Store requireCapability(Store store, Capability capability, String what) {
    if (!store.capabilities().contains(capability)) {
      throw new UnsupportedStoreOperationException(
          "store \"" + store.id() + "\" cannot " + what + " (it lacks " + capability.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }
    return store;
  }

  @Override
  public void close() {
    for (ConfiguredStore s : byId.values()) {
      s.store().ifPresent(st -> {
        try {
          st.close();
        } catch (RuntimeException ignored) {
          // closing is best effort; the process is ending
        }
      });
    }
  }
}
