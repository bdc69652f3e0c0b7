package io.stowage.app.plugin;

import com.google.inject.Injector;
import org.pf4j.ExtensionFactory;

/**
 * Creates extensions through a child of the host's injector. The child allows explicit
 * bindings only and binds just the extension class, so no plugin class ever gets a just-in-time
 * binding in the host's injector (which would pin the plugin's class loader).
 */
final class GuiceExtensionFactory implements ExtensionFactory {
  private final Injector host;

  GuiceExtensionFactory(Injector host) {
    this.host = host;
  }

  @Override
  public <T> T create(Class<T> extensionClass) {
    Injector child =
        host.createChildInjector(
            binder -> {
              binder.requireExplicitBindings();
              binder.bind(extensionClass);
            });
    return child.getInstance(extensionClass);
  }
}
