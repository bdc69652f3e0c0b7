package io.stowage.app.server;

import io.stowage.api.BadStoreConfigurationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code server:} section ({@link io.stowage.app.config.HostConfig#server()}): where {@code stowage serve} listens and who may call it.
 *
 * <pre>
 * server:
 *   host: 127.0.0.1      # default; anything but loopback needs auth.tokens
 *   port: 9292
 *   worker_threads: 64   # requests that block (uploads, ranged downloads) at once
 *   auth:
 *     tokens:
 *       s3cret: {project: p1, roles: [member]}
 *       adm1n: {project: ops, roles: [admin]}
 * </pre>
 *
 * @param tokens token → grant; empty: no auth
 */
public record ServerSettings(String host, int port, int workerThreads, Map<String, Grant> tokens) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9292;
  public static final int DEFAULT_WORKER_THREADS = 64;

  public ServerSettings {
    Objects.requireNonNull(host, "host");
    tokens = Map.copyOf(tokens);
    if (port < 0 || port > 65535) {
      throw new BadStoreConfigurationException("server.port", "must be 0-65535, not " + port);
    }
    if (workerThreads < 1) {
      throw new BadStoreConfigurationException("server.worker_threads", "must be at least 1");
    }
  }

  /** What a token grants: the project it acts for and its roles ({@code admin} sees all). */
  public record Grant(String project, List<String> roles) {
    public Grant {
      if (project == null || project.isBlank()) {
        throw new IllegalArgumentException("a token needs a project");
      }
      roles = roles == null ? List.of() : List.copyOf(roles);
    }
  }

  /** With another address to listen on (the command line's {@code --host}/{@code --port}). */
  public ServerSettings listeningOn(String newHost, int newPort) {
    return new ServerSettings(newHost, newPort, workerThreads, tokens);
  }

  /**
   * Refuses to listen beyond loopback without auth.
   *
   * @throws BadStoreConfigurationException if {@code host} is not a loopback address and no
   *     tokens are configured, or does not resolve
   */
  void requireSafeBinding() {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new BadStoreConfigurationException("server.host", "\"" + host + "\" does not resolve");
    }
    if (!tokens.isEmpty()) {
      return;
    }
    for (InetAddress a : addresses) {
      if (!a.isLoopbackAddress()) {
        throw new BadStoreConfigurationException("server.host", "listening on " + host
            + " without auth would open every image to the network; configure"
            + " server.auth.tokens or listen on 127.0.0.1");
      }
    }
  }
}
