package io.stowage.filesystem;

import java.nio.file.Path;

/**
 * A configured data folder.
 *
 * @param path absolute and normalized
 * @param priority higher is chosen first
 * @param key where it was configured ({@code datadir} or {@code datadirs[i]}), for messages
 */
record Datadir(Path path, long priority, String key) {}
