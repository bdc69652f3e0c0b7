package io.stowage.api;

/**
 * A plugin broke its contract: one of its extensions threw something other than a
 * {@link StowageException} (a bug, a missing class, a library's unchecked error). Thrown by the
 * host, never by plugins, around every call into a plugin; the message names the plugin, the
 * cause is the plugin's own failure. HTTP 500.
 */
public final class PluginFailureException extends StowageException {
  private static final long serialVersionUID = 1L;

  private final String pluginId;

  /**
   * @param pluginId the plugin whose extension failed
   * @param message one line naming the plugin and what failed
   * @param cause what the plugin threw
   */
  public PluginFailureException(String pluginId, String message, Throwable cause) {
    super(message, cause);
    this.pluginId = pluginId;
  }

  /** The id of the plugin that failed. */
  public String pluginId() {
    return pluginId;
  }
}
