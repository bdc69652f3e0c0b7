package io.stowage.api;

import java.nio.file.Path;

/**
 * What the host tells a provider about the instance it is creating. Immutable.
 *
 * @param instanceId the configured id (a key under {@code stores:}, or {@code cache}); a store
 *     returns it from {@code Store.id()}
 * @param baseDir the folder of the configuration file; relative paths in the configuration are
 *     resolved against it
 */
public record InstanceContext(String instanceId, Path baseDir) {
  /** Makes {@code baseDir} absolute and normal. */
  public InstanceContext {
    if (instanceId.isBlank()) {
      throw new InvalidRequestException("an instance id cannot be blank");
    }
    baseDir = baseDir.toAbsolutePath().normalize();
  }

  /** {@code path} resolved against {@link #baseDir()} and normalized. */
  public Path resolve(String path) {
    return baseDir.resolve(path).normalize();
  }
}
