package io.stowage.app.cli;

import io.stowage.app.Host;
import io.stowage.api.HashAlgorithm;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A host booted on a second thread while picocli builds and parses the command line on the
 * first. A one-shot command's start is single-threaded and about half of it is picocli; the
 * other half (configuration, the injector, the plugins) does not depend on the parse except for
 * the configuration file, which is read from the arguments here the way picocli will read it.
 * The command takes the host only if it resolves the same configuration source; otherwise (an
 * argument picocli reads differently, a usage error, help) the early host is closed unused.
 *
 * <p>Booting has no side effects: reading the configuration, making the injector and starting the
 * plugins touch no data folder (stores are built only when a command uses one).
 */
final class EarlyBoot implements AutoCloseable {
  /** The commands that boot a host (all but help, serve and the image registry commands). */
  private static final Set<String> BOOTING = Set.of("plugins", "stores", "put", "get", "size",
      "rm", "inspect", "disk", "content", "cache");

  private final ConfigSource source;
  private final String command;
  private final CompletableFuture<Host> host;
  private final AtomicBoolean taken = new AtomicBoolean();

  private EarlyBoot(ConfigSource source, String command) {
    this.source = source;
    this.command = command;
    this.host = new CompletableFuture<>();
    Thread thread = new Thread(this::boot, "stowage-early-boot");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts booting when {@code args} name a command that boots a host and their configuration
   * file is unambiguous; the source is resolved by {@code root} as the command will resolve it.
   */
  static Optional<EarlyBoot> start(StowageCommand root, String subcommand, String... args) {
    if (!BOOTING.contains(subcommand) || StowageCommand.asksForHelp(args)
        || StowageCommand.asksForVersion(args)) {
      return Optional.empty();
    }
    Path explicit = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = arg.equals("--config") && i + 1 < args.length ? args[++i]
          : arg.startsWith("--config=") ? arg.substring("--config=".length()) : null;
      if (value != null) {
        if (explicit != null || value.isEmpty()) {
          return Optional.empty(); // several: which one wins is picocli's business
        }
        try {
          explicit = Path.of(value);
        } catch (RuntimeException invalid) {
          return Optional.empty(); // picocli reports it
        }
      }
    }
    return Optional.of(new EarlyBoot(root.configSource(explicit), subcommand));
  }

  private void boot() {
    try {
      ConfigLoader loader = new ConfigLoader();
      HostConfig config = source.load(loader);
      // The digests the command will run, compiled meanwhile (see DigestWarmUp).
      if (command.equals("put")) {
        DigestWarmUp.start(List.of(HashAlgorithm.MD5, config.hashAlgorithm()));
      } else if (command.equals("content")) {
        DigestWarmUp.start(List.of(HashAlgorithm.SHA256));
      }
      Host booted = Host.boot(config, loader);
      try {
        booted.plugins();
      } catch (RuntimeException | LinkageError e) {
        // left for the command to meet (and report) when it asks for the plugins itself
      }
      host.complete(booted);
    } catch (Throwable e) {
      host.completeExceptionally(e);
    }
  }

  /**
   * The early host if it was booted from {@code wanted}; from then on the caller owns it. A
   * failure to boot is rethrown as it was thrown (a configuration error reads the same).
   */
  Optional<Host> take(ConfigSource wanted) {
    if (!wanted.equals(source) || !taken.compareAndSet(false, true)) {
      return Optional.empty();
    }
    try {
      return Optional.of(host.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the host started", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Closes the host if no command took it, after its boot ends: the next command in this JVM
   * (tests run many) then never meets a host still stopping its plugins. Costs a usage error the
   * rest of the boot, a fraction of a second.
   */
  @Override
  public void close() {
    if (taken.compareAndSet(false, true)) {
      try {
        host.get(BOOT_WAIT_SECONDS, TimeUnit.SECONDS).close();
      } catch (ExecutionException e) {
        // nothing booted, nothing to close
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        host.thenAccept(Host::close);
      } catch (TimeoutException e) {
        host.thenAccept(Host::close);
      }
    }
  }

  private static final long BOOT_WAIT_SECONDS = 60;
}
