package io.stowage.api;

import java.nio.file.Path;

/**
 * What the host tells a provider about the instance it is creating.
 *
 * @param instanceId the configured id (a key under {@code stores:}, or {@code cache})
 * @param baseDir the folder of the configuration file; relative paths in the configuration are
 *     resolved against it
 */
public record InstanceContext(String instanceId, Path baseDir) {
  public InstanceContext {
    baseDir = baseDir.toAbsolutePath().normalize();
  }

  /** {@code path} resolved against {@link #baseDir()} and normalized. */
  public Path resolve(String path) {
    return baseDir.resolve(path).normalize();
  }
}
