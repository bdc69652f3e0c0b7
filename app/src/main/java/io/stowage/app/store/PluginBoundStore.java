package io.stowage.app.store;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.ImageData;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import java.net.URI;
import java.util.Set;
import java.util.function.Supplier;
import io.stowage.app.plugin.Contribution;

/**
 * A plugin's store, called with the plugin's class loader as the thread's context class loader
 * (plugins may use {@code ServiceLoader} or libraries that look there).
 */
final class PluginBoundStore implements Store {
  private final Store delegate;
  private final ClassLoader loader;

  PluginBoundStore(Store delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  private <R> R in(Supplier<R> call) {
    return Contribution.withContextLoader(loader, call);
  }

  @Override
  public String id() {
    return in(delegate::id);
  }

  @Override
  public Set<String> schemes() {
    return in(delegate::schemes);
  }

  @Override
  public Set<Capability> capabilities() {
    return in(delegate::capabilities);
  }

  @Override
  public boolean owns(URI uri) {
    return in(() -> delegate.owns(uri));
  }

  @Override
  public AddResult add(AddRequest request) {
    return in(() -> delegate.add(request));
  }

  @Override
  public ImageData get(Location location, ByteRange range) {
    return in(() -> delegate.get(location, range));
  }

  @Override
  public long size(Location location) {
    return in(() -> delegate.size(location));
  }

  @Override
  public void delete(Location location) {
    in(() -> {
      delegate.delete(location);
      return null;
    });
  }

  @Override
  public void close() {
    in(() -> {
      delegate.close();
      return null;
    });
  }
}
