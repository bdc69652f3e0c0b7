package io.stowage.app.plugin;

import io.stowage.api.PluginFailureException;
import io.stowage.api.StowageException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place the host calls into a plugin. Every extension, and every SPI object an
 * extension hands back (a {@code Store} from a provider, a {@code StreamInspector} from a
 * format, an {@code ImageData} from a store), is used through a proxy that
 *
 * <ul>
 *   <li>sets the plugin's class loader as the thread's context class loader for the call
 *       (plugins may use {@code ServiceLoader} or libraries that look there), and
 *   <li>lets the SPI's own errors ({@link StowageException}) and declared checked exceptions
 *       through, and turns anything else into a {@link PluginFailureException} that names the
 *       plugin and keeps the plugin's throwable as the cause (its stack trace shows the plugin's
 *       frames with {@code STOWAGE_DEBUG=1}).
 * </ul>
 *
 * A dynamic proxy rather than a hand-written decorator per SPI type: the SPI grows (cache and
 * content stores), and no SPI method can be forgotten. The calls it wraps are coarse (one per
 * add, read, chunk of an inspected stream), so reflection costs nothing measurable.
 */
final class PluginBoundary implements InvocationHandler {
  private final String pluginId;
  private final ClassLoader loader;
  private final Object target;
  private final Map<String, String> failedInUse;

  private PluginBoundary(String pluginId, ClassLoader loader, Object target,
      Map<String, String> failedInUse) {
    this.pluginId = pluginId;
    this.loader = loader;
    this.target = target;
    this.failedInUse = failedInUse;
  }

  /**
   * {@code target}, seen through the boundary of plugin {@code pluginId}.
   *
   * @param failedInUse where a plugin that fails with a {@link LinkageError} while in use (a
   *     class missing from its jar, a library of the wrong version) is recorded, by plugin id,
   *     with the reason: such a plugin stays broken until its jar is replaced
   */
  static <T> T wrap(Class<T> type, T target, String pluginId, ClassLoader loader,
      Map<String, String> failedInUse) {
    if (Proxy.isProxyClass(target.getClass())
        && Proxy.getInvocationHandler(target) instanceof PluginBoundary) {
      return target;
    }
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        new PluginBoundary(pluginId, loader, target, failedInUse)));
  }

  /** The plugin behind a wrapped extension. */
  static Optional<String> pluginOf(Object extension) {
    if (Proxy.isProxyClass(extension.getClass())
        && Proxy.getInvocationHandler(extension) instanceof PluginBoundary b) {
      return Optional.of(b.pluginId);
    }
    return Optional.empty();
  }

  /** Runs {@code call} with {@code loader} as the thread's context class loader. */
  static <R> R withContextLoader(ClassLoader loader, Supplier<R> call) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return call.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> pluginId + ":" + target.getClass().getName();
      };
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return wrapResult(method, method.invoke(target, args));
    } catch (InvocationTargetException e) {
      throw translate(method, e.getCause());
    } catch (IllegalAccessException e) {
      throw failure(method, e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private Throwable translate(Method method, Throwable thrown) {
    if (thrown instanceof StowageException || thrown instanceof VirtualMachineError) {
      return thrown;
    }
    for (Class<?> declared : method.getExceptionTypes()) {
      if (declared.isInstance(thrown) && !(thrown instanceof RuntimeException)) {
        return thrown;
      }
    }
    return failure(method, thrown);
  }

  private PluginFailureException failure(Method method, Throwable thrown) {
    String where = method.getDeclaringClass().getSimpleName() + "." + method.getName();
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof LinkageError linkage) {
        failedInUse.putIfAbsent(pluginId, "plugin " + pluginId + " is broken (failed in " + where
            + " with " + PluginErrors.oneLine(linkage) + "); replace its jar and restart");
        break;
      }
    }
    return new PluginFailureException(pluginId, "plugin " + pluginId + " failed in " + where
        + ": " + PluginErrors.oneLine(thrown), thrown);
  }

  private Object wrapResult(Method method, Object result) {
    if (result == null) {
      return null;
    }
    Class<?> type = method.getReturnType();
    if (isSpiInterface(type)) {
      return wrapAs(type, result);
    }
    if (result instanceof Optional<?> optional && optional.isPresent()
        && method.getGenericReturnType() instanceof ParameterizedType p) {
      Type arg = p.getActualTypeArguments()[0];
      if (arg instanceof Class<?> c && isSpiInterface(c)) {
        return Optional.of(wrapAs(c, optional.get()));
      }
    }
    return result;
  }

  private <T> T wrapAs(Class<T> type, Object result) {
    return wrap(type, type.cast(result), pluginId, loader, failedInUse);
  }

  private static boolean isSpiInterface(Class<?> type) {
    return type.isInterface() && type.getName().startsWith("io.stowage.api.");
  }
}
