package io.stowage.app.plugin;

/**
 * An extension instance and the plugin it came from.
 *
 * @param classLoader the plugin's class loader, to set as the thread's context class loader
 *     around calls into the extension (plugins may use {@code ServiceLoader})
 */
public record Contribution<T>(String pluginId, T extension, ClassLoader classLoader) {

  /** Runs {@code call} with the plugin's class loader as the thread's context class loader. */
  public <R> R call(java.util.function.Supplier<R> call) {
    return withContextLoader(classLoader, call);
  }

  /** Runs {@code call} with {@code loader} as the thread's context class loader. */
  public static <R> R withContextLoader(ClassLoader loader, java.util.function.Supplier<R> call) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return call.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** Runs {@code action} with the plugin's class loader as the thread's context class loader. */
  public void run(Runnable action) {
    call(() -> {
      action.run();
      return null;
    });
  }
}
