package io.stowage.api;

/**
 * A configuration value is missing, malformed or contradicts another. {@link #path()} names the
 * offending key relative to the configuration subtree it was found in (for example
 * {@code datadirs[1]}); the host prefixes the location of that subtree, so an operator sees
 * {@code stores.fast.datadirs[1]: priority "x" is not a whole number}.
 */
public final class BadStoreConfigurationException extends StowageException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String reason;

  /**
   * @param path the key that is wrong, relative to the subtree being validated; empty when the
   *     subtree as a whole is wrong
   * @param reason what is wrong, one line, without the path
   */
  public BadStoreConfigurationException(String path, String reason) {
    super(path.isEmpty() ? reason : path + ": " + reason);
    this.path = path;
    this.reason = reason;
  }

  public BadStoreConfigurationException(String path, String reason, Throwable cause) {
    super(path.isEmpty() ? reason : path + ": " + reason, cause);
    this.path = path;
    this.reason = reason;
  }

  /** The offending key, relative to the subtree that was validated; may be empty. */
  public String path() {
    return path;
  }

  /** What is wrong with it. */
  public String reason() {
    return reason;
  }

  /** This error with {@code prefix} (for example {@code stores.fast}) put in front of its path. */
  public BadStoreConfigurationException under(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    String joined =
        path.isEmpty() ? prefix : path.startsWith("[") ? prefix + path : prefix + "." + path;
    return new BadStoreConfigurationException(joined, reason, this);
  }
}
