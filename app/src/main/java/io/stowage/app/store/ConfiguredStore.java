package io.stowage.app.store;

import io.stowage.api.store.Store;
import java.util.Optional;

/**
 * A configured store as it stands: working, or unavailable with the reason (no plugin provides
 * its type, its configuration is invalid, or its provider failed).
 */
public record ConfiguredStore(String id, String type, Optional<Store> store, Optional<String> problem) {

  public boolean available() {
    return store.isPresent();
  }
}
