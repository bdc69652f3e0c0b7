package io.stowage.app.cli;

import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a command's configuration comes from: a file, or the embedded defaults with relative
 * paths resolved against {@code defaultsBase}. Equal sources load equal configurations.
 */
record ConfigSource(Optional<Path> file, Path defaultsBase) {
  HostConfig load(ConfigLoader loader) {
    return file.map(loader::load).orElseGet(() -> loader.embedded(defaultsBase));
  }
}
