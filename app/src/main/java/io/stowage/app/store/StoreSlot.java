package io.stowage.app.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.api.UnavailableException;
import io.stowage.api.store.Store;
import java.util.Optional;

/**
 * One configured store and its lifecycle: not built until first used; built once; a failed
 * build is remembered with its reason and tried again on the next use (the folder may have been
 * mounted, the permissions fixed). Thread-safe: one build at a time per store.
 */
final class StoreSlot {
  private final String id;
  private final String type;
  private final ObjectNode settings;
  private volatile Store store; // read without the lock once built: every request passes here
  private StoreBinder.Failure failure;
  private boolean closed;

  StoreSlot(String id, ObjectNode body) {
    this.id = id;
    this.type = body.get("type").asText();
    this.settings = body.deepCopy();
    this.settings.remove("type");
  }

  String id() {
    return id;
  }

  /** The store, built now if it is not yet. @throws UnavailableException it cannot be built */
  Store require(StoreBinder binder) {
    Store built = store;
    if (built != null) {
      // A plugin broken in use (a class missing from its jar) fails every call the same way:
      // say so once, clearly, instead of letting each request hit the missing class.
      Optional<String> broken = binder.failedInUse(type);
      if (broken.isPresent()) {
        throw new UnavailableException("store \"" + id + "\" is unavailable: " + broken.get());
      }
      return built;
    }
    return requireLocked(binder);
  }

  private synchronized Store requireLocked(StoreBinder binder) {
    Optional<Store> built = tryBuild(binder);
    if (built.isPresent()) {
      return built.get();
    }
    throw new UnavailableException("store \"" + id + "\" is unavailable: " + failure.getMessage(),
        failure.getCause());
  }

  /** Builds the store if needed and reports its state. */
  synchronized ConfiguredStore status(StoreBinder binder) {
    Optional<Store> built = tryBuild(binder);
    Optional<String> broken = binder.failedInUse(type);
    if (built.isPresent() && broken.isPresent()) {
      return new ConfiguredStore(id, type, Optional.empty(), broken);
    }
    return new ConfiguredStore(id, type, built,
        built.isPresent() ? Optional.empty() : Optional.of(failure.getMessage()));
  }

  private Optional<Store> tryBuild(StoreBinder binder) {
    if (closed) {
      throw new UnavailableException("store \"" + id + "\" is closed");
    }
    if (store == null) {
      try {
        store = binder.create(id, type, settings);
        failure = null;
      } catch (StoreBinder.Failure e) {
        failure = e;
      }
    }
    return Optional.ofNullable(store);
  }

  /** Closes the store if it was built. */
  synchronized void close() {
    closed = true;
    if (store != null) {
      Store s = store;
      store = null;
      s.close();
    }
  }
}
