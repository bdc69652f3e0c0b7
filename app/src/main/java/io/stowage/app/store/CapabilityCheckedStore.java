package io.stowage.app.store;

import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.UnsupportedStoreOperationException;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Capability;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * A store that refuses what it does not declare: {@code add} needs {@link Capability#WRITE},
 * {@code get} and {@code size} need {@link Capability#READ} (and a range other than the whole
 * image {@link Capability#RANGED_READ}), {@code delete} needs {@link Capability#DELETE}. The
 * one place capabilities are checked; the store behind it is never asked for what it lacks.
 */
final class CapabilityCheckedStore implements Store {
  private final Store delegate;
  private final String id;
  private final Set<Capability> capabilities;

  CapabilityCheckedStore(Store delegate) {
    this.delegate = delegate;
    this.id = delegate.id();
    this.capabilities = Set.copyOf(delegate.capabilities());
  }

  private void require(Capability capability, String what) {
    if (!capabilities.contains(capability)) {
      throw new UnsupportedStoreOperationException("store \"" + id + "\" cannot " + what
          + " (it lacks " + capability.name().toLowerCase(Locale.ROOT) + ")");
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return delegate.schemes();
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public boolean owns(URI uri) {
    return delegate.owns(uri);
  }

  @Override
  public java.util.Optional<io.stowage.api.content.ContentStore> content() {
    return delegate.content();
  }

  @Override
  public java.util.Optional<Location> locate(String imageId) {
    return delegate.locate(imageId);
  }

  @Override
  public AddResult add(AddRequest request) {
    require(Capability.WRITE, "store images");
    return delegate.add(request);
  }

  @Override
  public ImageData get(Location location, ByteRange range) {
    require(Capability.READ, "read images");
    if (!range.isAll()) {
      require(Capability.RANGED_READ, "read ranges");
    }
    return delegate.get(location, range);
  }

  @Override
  public long size(Location location) {
    require(Capability.READ, "read images");
    return delegate.size(location);
  }

  @Override
  public void delete(Location location) {
    require(Capability.DELETE, "delete images");
    delegate.delete(location);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
