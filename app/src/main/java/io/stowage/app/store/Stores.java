package io.stowage.app.store;

import io.stowage.api.BadLocationException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.UnavailableException;
import io.stowage.api.UnknownSchemeException;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.plugin.PluginHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured stores, each built when first needed, and the router from a location to the
 * store that serves it: by the location's store id when it has one, else among the stores of
 * its URI scheme (in configuration order); either way only a store that
 * {@link Store#owns owns} the URI (routing fails closed). Every store handed out refuses the
 * operations it does not declare. Thread-safe.
 */
public final class Stores implements AutoCloseable {
  private final Map<String, StoreSlot> byId = new LinkedHashMap<>();
  private final Optional<String> defaultStore;
  private final StoreBinder binder;

  /** The stores of {@code config}, to be built from the providers {@code plugins} started. */
  @SuppressWarnings("rawtypes")
  public Stores(HostConfig config, ConfigLoader loader, PluginHost plugins) {
    config.stores().forEach((id, body) -> byId.put(id, new StoreSlot(id, body)));
    this.defaultStore = config.defaultStore();
    this.binder = new StoreBinder(loader, config.baseDir(), plugins.extensions(StoreProvider.class),
        plugins::failedInUse);
  }

  /** Every configured store in configuration order, each built (or tried again) now. */
  public List<ConfiguredStore> all() {
    return byId.values().stream().map(s -> s.status(binder)).toList();
  }

  /** The configured store ids, in configuration order; builds nothing. */
  public List<String> ids() {
    return List.copyOf(byId.keySet());
  }

  /** The id of the store adds go to when none is named: {@code default_store}, else the only store. */
  public String defaultStoreId() {
    if (defaultStore.isPresent()) {
      return defaultStore.get();
    }
    if (byId.size() == 1) {
      return byId.keySet().iterator().next();
    }
    throw new UnavailableException(byId.isEmpty() ? "no store is configured"
        : "several stores are configured and default_store is not set; name one with --store");
  }

  /**
   * The store with this id, built if it is not yet.
   *
   * @throws InvalidRequestException no such store is configured
   * @throws UnavailableException it cannot be built (the reason says why)
   */
  public Store byId(String id) {
    StoreSlot slot = byId.get(id);
    if (slot == null) {
      throw new InvalidRequestException("no store \"" + id + "\" is configured"
          + (byId.isEmpty() ? "" : " (configured: " + String.join(", ", byId.keySet()) + ")"));
    }
    return slot.require(binder);
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
      if (!store.owns(location.uri())) {
        throw new BadLocationException("store \"" + store.id() + "\" does not own " + location.uri());
      }
      return store;
    }
    List<Store> candidates = new ArrayList<>();
    List<String> down = new ArrayList<>();
    for (ConfiguredStore s : all()) {
      if (s.store().isPresent()) {
        if (s.store().get().schemes().contains(location.scheme())) {
          candidates.add(s.store().get());
        }
      } else {
        down.add(s.id() + ": " + s.problem().orElseThrow());
      }
    }
    if (candidates.isEmpty()) {
      if (!down.isEmpty()) {
        throw new UnavailableException("no working store serves " + location.scheme()
            + ": locations; unavailable: " + String.join("; ", down));
      }
      throw new UnknownSchemeException("no configured store serves " + location.scheme() + ": locations");
    }
    for (Store s : candidates) {
      if (s.owns(location.uri())) {
        return s;
      }
    }
    throw new BadLocationException("no " + location.scheme() + " store owns " + location.uri());
  }

  /** Closes every store that was built. */
  @Override
  public void close() {
    for (StoreSlot s : byId.values()) {
      try {
        s.close();
      } catch (RuntimeException ignored) {
        // one store failing to close must not keep the others open
      }
    }
  }
}
