package io.stowage.app.config;


import io.stowage.api.DataSize;
import io.stowage.api.HashAlgorithm;
import io.stowage.app.image.ProjectQuota;
import io.stowage.app.image.UploadLeaseSettings;
import io.stowage.app.registry.RegistrySettings;
import io.stowage.app.server.ServerSettings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The host's configuration, read by {@link ConfigLoader}. Store and cache sections stay
 * unbound trees here: each is bound to its plugin's own config type once the plugin is known.
 *
 * @param source where the configuration came from (a file, or "embedded defaults")
 * @param baseDir the folder relative paths are resolved against
 * @param stores each configured store's subtree by id, in file order
 * @param cache the {@code cache:} subtree, if any
 * @param registry where the image registry lives (relative SQLite paths already resolved)
 * @param server where {@code stowage serve} listens and who may call it ({@code server:})
 * @param quota how much image data each project may store ({@code quota:})
 * @param uploads when an upload left in {@code saving} counts as dead ({@code uploads:})
 */
public record HostConfig(
    String source,
    Path baseDir,
    Path pluginsDir,
    HashAlgorithm hashAlgorithm,
    DataSize imageSizeCap,
    Optional<String> defaultStore,
    Map<String, ObjectNode> stores,
    Optional<ObjectNode> cache,
    RegistrySettings registry,
    ServerSettings server,
    ProjectQuota quota,
    UploadLeaseSettings uploads) {

  public HostConfig {
    java.util.Objects.requireNonNull(server, "server");
    java.util.Objects.requireNonNull(quota, "quota");
    java.util.Objects.requireNonNull(uploads, "uploads");
    stores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stores));
  }
}
