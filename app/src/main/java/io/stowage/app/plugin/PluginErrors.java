package io.stowage.app.plugin;

import com.google.inject.ProvisionException;

/** Turns whatever a plugin threw into one line a user can read. */
public final class PluginErrors {
  private PluginErrors() {}

  /** The innermost useful message of {@code error}, on one line. */
  public static String oneLine(Throwable error) {
    Throwable t = error;
    while ((t instanceof ProvisionException || t instanceof java.lang.reflect.InvocationTargetException
            || t.getMessage() == null || t.getClass().getName().startsWith("org.pf4j.")
            || t.getClass().getName().startsWith("com.google."))
        && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? "" : t.getMessage();
    if (t instanceof ProvisionException p && !p.getErrorMessages().isEmpty()) {
      message = p.getErrorMessages().iterator().next().getMessage();
    }
    String first = message.strip().split("\\R", 2)[0];
    boolean ours = t instanceof io.stowage.api.StowageException;
    return ours ? first : t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
  }
}
