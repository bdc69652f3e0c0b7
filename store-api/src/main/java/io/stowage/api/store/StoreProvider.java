package io.stowage.api.store;

import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import org.pf4j.ExtensionPoint;

/**
 * A kind of store (a backend type such as {@code filesystem}), contributed by a plugin as a
 * PF4J {@code @Extension}. The host instantiates it once through Guice (an {@code @Inject}
 * constructor may ask for the host services listed on {@link io.stowage.api.ExtensionModule}
 * and for what the plugin's own extension module binds) and calls {@link #create} once per configured
 * instance of {@link #type()}.
 *
 * <p>Thread-safe; implementations normally hold no state of their own.
 *
 * @param <C> the configuration type: an immutable class Jackson binds from the instance's YAML
 *     subtree (snake_case keys; unknown keys are refused by the host). {@code
 *     io.stowage.tck.ConfigBinder} binds YAML the same way in a plugin's own tests.
 */
public interface StoreProvider<C> extends ExtensionPoint {

  /** The {@code type:} value in configuration that selects this provider, lowercase. */
  String type();

  /** The class the instance's configuration is bound to. */
  Class<C> configType();

  /**
   * Builds a store from a bound configuration. The store's id is
   * {@code context.instanceId()}, and {@link Store#id()} must return it.
   *
   * @throws BadStoreConfigurationException a value is invalid; its path is relative to the
   *     instance's subtree and the host adds {@code stores.<id>}
   */
  Store create(C config, InstanceContext context);
}
