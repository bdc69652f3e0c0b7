package io.stowage.api.cache;

import io.stowage.api.InstanceContext;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.store.StoreProvider;
import org.pf4j.ExtensionPoint;

/**
 * A kind of image cache (for example {@code xattr}), contributed by a plugin as a PF4J
 * {@code @Extension}; the counterpart of {@link StoreProvider} for caches. The host calls
 * {@link #create} once for the configured {@code cache:} section.
 *
 * @param <C> the configuration type, bound by Jackson from the {@code cache:} subtree
 */
public interface CacheDriverProvider<C> extends ExtensionPoint {

  /** The {@code driver:} value in configuration that selects this provider. */
  String driver();

  /** The class the configuration is bound to. */
  Class<C> configType();

  /**
   * Builds a cache driver; checks that the cache folder works (for example that extended
   * attributes are supported) before returning.
   *
   * @throws BadStoreConfigurationException a value is invalid or the folder cannot serve
   */
  CacheDriver create(C config, InstanceContext context);
}
