package io.stowage.app.cli;

import io.stowage.api.DataSize;
import io.stowage.api.cache.CacheDriver;
import io.stowage.api.cache.CachedImage;
import io.stowage.app.Host;
import io.stowage.app.cache.ImageCache;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code stowage cache ...}: the image cache, as Glance's cache API and glance-cache-* do. */
@Command(name = "cache", description = "Manage the image cache (the cache: section).",
    subcommands = {CacheCommand.ListCommand.class, CacheCommand.QueueCommand.class,
        CacheCommand.RmCommand.class, CacheCommand.ClearCommand.class,
        CacheCommand.PruneCommand.class, CacheCommand.CleanCommand.class})
final class CacheCommand {
  @ParentCommand StowageCommand root;

  /** Boots the host and opens its cache, or fails with how to configure one. */
  Host boot(CommonOptions options) {
    return root.boot(options.config);
  }

  static ImageCache cacheOf(Host host) {
    return ImageCache.open(host).orElseThrow(() -> new UsageException(
        "no image cache is configured (add a cache: section with driver: xattr and dir:)"));
  }

  /** One subcommand: boots, opens the cache, runs, prints. */
  abstract static class Sub implements Callable<Integer> {
    @ParentCommand CacheCommand parent;
    @Mixin CommonOptions options;

    @Override
    public Integer call() {
      try (Host host = parent.boot(options); ImageCache cache = cacheOf(host)) {
        Object json = run(cache, parent.root.console.out());
        if (options.json) {
          Json.print(parent.root.console.out(), json);
        }
        return Cli.OK;
      }
    }

    /** Does the work, prints text unless --json, and returns what --json prints. */
    abstract Object run(ImageCache cache, PrintStream out);
  }

  @Command(name = "list", description = "Cached images (id, size, hits, last access) and the queue.")
  static final class ListCommand extends Sub {
    @Override
    Object run(ImageCache cache, PrintStream out) {
      CacheDriver driver = cache.driver();
      List<Map<String, Object>> cached = new ArrayList<>();
      for (CachedImage image : driver.cachedImages()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_id", image.imageId());
        m.put("hits", image.hits());
        m.put("last_accessed", seconds(image.lastAccessed()));
        m.put("last_modified", seconds(image.lastModified()));
        m.put("size", image.size());
        cached.add(m);
        if (!options.json) {
          out.printf(Locale.ROOT, "%s %d bytes, %d hits, last accessed %s%n", image.imageId(),
              image.size(), image.hits(), image.lastAccessed());
        }
      }
      List<String> queued = driver.queuedImages();
      if (!options.json) {
        for (String id : queued) {
          out.println(id + " queued");
        }
        out.printf(Locale.ROOT, "%d cached (%s), %d queued%n", cached.size(),
            DataSize.ofBytes(driver.totalSize()), queued.size());
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("cached_images", cached);
      json.put("queued_images", queued);
      return json;
    }

    /** Glance's API gives times as seconds since the epoch, with a fraction. */
    private static double seconds(Instant t) {
      return t.getEpochSecond() + t.getNano() / 1e9;
    }
  }

  @Command(name = "queue", description = "Queue images for the prefetcher.")
  static final class QueueCommand extends Sub {
    @Parameters(arity = "1..*", paramLabel = "IMAGE_ID") List<String> ids;

    @Override
    Object run(ImageCache cache, PrintStream out) {
      Map<String, Object> json = new LinkedHashMap<>();
      for (String id : ids) {
        boolean queued = cache.queue(id);
        json.put(id, queued);
        if (!options.json) {
          out.println(id + (queued ? " queued" : " not queued: already cached, being cached or queued"));
        }
      }
      return json;
    }
  }

  @Command(name = "rm", description = "Remove images from the cache and from the queue.")
  static final class RmCommand extends Sub {
    @Parameters(arity = "1..*", paramLabel = "IMAGE_ID") List<String> ids;

    @Override
    Object run(ImageCache cache, PrintStream out) {
      Map<String, Object> json = new LinkedHashMap<>();
      for (String id : ids) {
        boolean deleted = cache.driver().delete(id);
        boolean dequeued = cache.driver().dequeue(id);
        json.put(id, Map.of("deleted", deleted, "dequeued", dequeued));
        if (!options.json) {
          out.println(id + (deleted ? " deleted" : dequeued ? " dequeued" : " was neither cached nor queued"));
        }
      }
      return json;
    }
  }

  @Command(name = "clear", description = "Empty the cache, the queue, or both (the default).")
  static final class ClearCommand extends Sub {
    @Option(names = "--target", paramLabel = "cache|queue|both", defaultValue = "both",
        description = "What to empty (Glance's x-image-cache-clear-target; default both).")
    String target;

    @Override
    Object run(ImageCache cache, PrintStream out) {
      ImageCache.Target t = switch (target) {
        case "cache" -> ImageCache.Target.CACHE;
        case "queue" -> ImageCache.Target.QUEUE;
        case "both", "" -> ImageCache.Target.BOTH;
        default -> throw new UsageException("--target must be cache, queue or both, not \"" + target + "\"");
      };
      ImageCache.Cleared cleared = cache.clear(t);
      if (!options.json) {
        out.println(cleared.cached() + " cached images deleted, " + cleared.queued() + " dequeued");
      }
      return Map.of("cached_images_deleted", cleared.cached(), "queued_images_deleted", cleared.queued());
    }
  }

  @Command(name = "prune", description = "Delete least recently accessed images until the cache fits max_size.")
  static final class PruneCommand extends Sub {
    @Option(names = "--max-size", paramLabel = "SIZE",
        description = "Prune to this size instead of the configured max_size (e.g. 5GiB).")
    String maxSize;

    @Override
    Object run(ImageCache cache, PrintStream out) {
      long max = maxSize == null ? cache.settings().maxSize().bytes() : parse(maxSize);
      ImageCache.Pruned pruned = cache.prune(max);
      if (!options.json) {
        out.println(pruned.images() + " images pruned (" + DataSize.ofBytes(pruned.bytes())
            + "), cache now " + DataSize.ofBytes(pruned.sizeAfter()));
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("pruned_images", pruned.images());
      json.put("pruned_bytes", pruned.bytes());
      json.put("size", pruned.sizeAfter());
      json.put("max_size", max);
      return json;
    }

    private static long parse(String text) {
      try {
        return DataSize.parse(text).bytes();
      } catch (RuntimeException e) {
        throw new UsageException("--max-size: " + e.getMessage());
      }
    }
  }

  @Command(name = "clean", description = "Delete invalid entries and writes stalled past stall_time.")
  static final class CleanCommand extends Sub {
    @Override
    Object run(ImageCache cache, PrintStream out) {
      int removed = cache.clean();
      if (!options.json) {
        out.println(removed + " invalid or stalled entries removed");
      }
      return Map.of("removed", removed);
    }
  }
}
