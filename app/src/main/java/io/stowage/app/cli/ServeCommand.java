package io.stowage.app.cli;

import io.stowage.app.Host;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import io.stowage.app.image.LocalImageService;
import io.stowage.app.cache.CacheSchedule;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.server.ApiServer;
import io.stowage.app.server.ImageServiceSource;
import io.stowage.app.server.ServerSettings;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve",
    description = "Serve the Glance v2 image API on the configured registry and stores until stopped"
        + " (SIGINT/SIGTERM).")
final class ServeCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "Address to listen on (default: server.host, else 127.0.0.1).")
  String host;

  @Option(names = "--port", paramLabel = "PORT",
      description = "Port to listen on, 0 for any free one (default: server.port, else 9292).")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    ConfigLoader loader = new ConfigLoader();
    HostConfig config = root.config(loader, options.config);
    ServerSettings settings = config.server();
    settings = settings.listeningOn(host == null ? settings.host() : host,
        port == null ? settings.port() : port);
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    try (Host booted = Host.boot(config, loader);
        LocalImageService images = LocalImageService.open(booted);
        CacheResources cache = CacheResources.open(booted, images);
        ApiServer server = ApiServer.start(images.service(), settings, cache.cache())) {
      // Uploads a crash left in saving (this server's last run, or a dead peer) are requeued
      // before the first request, and then periodically.
      images.superviseUploads();
      // On SIGTERM: let the main thread close the server, registry and stores, then exit.
      Thread hook = new Thread(() -> {
        stopped.countDown();
        try {
          closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "stowage-serve-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      root.console.out().println("listening on http://" + hostForUrl(settings.host()) + ":"
          + server.port() + (settings.tokens().isEmpty() ? " (no auth)" : ""));
      root.console.out().flush();
      stopped.await();
    } finally {
      closed.countDown();
    }
    return Cli.OK;
  }

  /** The configured image cache, if any, and its schedule; closing stops both. */
  private record CacheResources(Optional<ImageCache> cache, Optional<CacheSchedule> schedule)
      implements AutoCloseable {
    static CacheResources open(Host host, LocalImageService images) {
      Optional<ImageCache> cache = ImageCache.open(host);
      Optional<CacheSchedule> schedule = cache.map(c -> CacheSchedule.start(c,
          Optional.of(new ImageServiceSource(images.service()))));
      return new CacheResources(cache, schedule);
    }

    @Override
    public void close() {
      schedule.ifPresent(CacheSchedule::close);
      cache.ifPresent(ImageCache::close);
    }
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
