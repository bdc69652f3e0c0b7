package io.stowage.app.service;

import io.stowage.api.store.Capability;
import java.util.Optional;
import java.util.Set;

/**
 * A configured store as it stands.
 *
 * @param id the store's id (its key under {@code stores:})
 * @param type its {@code type:} (the backend)
 * @param available whether it works; when not, {@code problem} says why
 * @param schemes the URI schemes it serves; empty when unavailable
 * @param capabilities what it can do; empty when unavailable
 * @param problem why it is unavailable, one line
 */
public record StoreStatus(
    String id, String type, boolean available, Set<String> schemes, Set<Capability> capabilities,
    Optional<String> problem) {
  public StoreStatus {
    schemes = Set.copyOf(schemes);
    capabilities = Set.copyOf(capabilities);
  }
}
