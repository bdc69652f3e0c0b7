package io.stowage.app.config;


import io.stowage.api.DataSize;
/** The host's own configuration sections, as Jackson binds them; absent keys are null here. */
final class Sections {
  private Sections() {}

  record Plugins(String dir) {}

  record Hashing(String algorithm) {}

  record Image(DataSize sizeCap) {}

  record Registry(String url, String user, String password, Integer maxPoolSize) {}

  record Server(String host, Integer port, Integer workerThreads, ServerAuth auth) {}

  record ServerAuth(java.util.Map<String, io.stowage.app.server.ServerSettings.Grant> tokens) {}

  record Quota(DataSize perProject) {}

  record Uploads(java.time.Duration staleAfter) {}
}
