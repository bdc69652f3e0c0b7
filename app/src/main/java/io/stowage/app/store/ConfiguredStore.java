package io.stowage.app.store;


import io.stowage.api.store.Store;
import io.stowage.api.UnavailableException;
import java.util.Optional;

/**
 * A store as configured: either working, or unavailable with the reason (no plugin provides
 * its type, its configuration is invalid, or its provider failed).
 */
public record ConfiguredStore(String id, String type, Optional<Store> store, Optional<String> problem) {

  /** The working store. @throws UnavailableException with the reason when there is none */
  public Store require() {
    return store.orElseThrow(() -> new UnavailableException(
        "store \"" + id + "\" is unavailable: " + problem.orElse("unknown reason")));
  }

  public boolean available() {
    return store.isPresent();
  }
}
