package io.stowage.app.server;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.cache.CachedImage;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.image.ImageService;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.Scope;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Glance's cache API (2.14): list cached and queued images, queue one, delete one, clear.
 * Admin only (every caller is an admin when no tokens are configured).
 */
final class CacheResource {
  static final HttpString CLEAR_TARGET = new HttpString("x-image-cache-clear-target");

  private final ImageService images;
  private final ImageCache cache;

  CacheResource(ImageService images, ImageCache cache) {
    this.images = images;
    this.cache = cache;
  }

  void list(HttpServerExchange exchange) {
    admin(exchange);
    List<Map<String, Object>> cached = new ArrayList<>();
    for (CachedImage image : cache.driver().cachedImages()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("image_id", image.imageId());
      m.put("hits", image.hits());
      m.put("last_accessed", seconds(image.lastAccessed()));
      m.put("last_modified", seconds(image.lastModified()));
      m.put("size", image.size());
      cached.add(m);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("cached_images", cached);
    json.put("queued_images", cache.driver().queuedImages());
    JsonBodies.send(exchange, json);
  }

  /** Queues an active image (Glance answers 202; queuing one already cached is a no-op). */
  void queue(HttpServerExchange exchange) {
    Scope scope = admin(exchange);
    ImageRecord image = images.show(scope, ImagesResource.id(exchange));
    if (!ImageService.hasData(image)) {
      throw new InvalidRequestException("image " + image.id() + " is "
          + image.status().toString().toLowerCase(Locale.ROOT)
          + "; only active images can be queued for caching");
    }
    cache.queue(image.id());
    exchange.setStatusCode(StatusCodes.ACCEPTED);
  }

  void delete(HttpServerExchange exchange) {
    admin(exchange);
    cache.evict(ImagesResource.id(exchange));
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  void clear(HttpServerExchange exchange) {
    admin(exchange);
    String target = exchange.getRequestHeaders().getFirst(CLEAR_TARGET);
    ImageCache.Target t = switch (target == null ? "" : target.strip()) {
      case "cache" -> ImageCache.Target.CACHE;
      case "queue" -> ImageCache.Target.QUEUE;
      case "" -> ImageCache.Target.BOTH;
      default -> throw new InvalidRequestException(
          "x-image-cache-clear-target must be \"cache\", \"queue\" or empty, not \""
              + target.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
    };
    cache.clear(t);
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  private static Scope admin(HttpServerExchange exchange) {
    Scope scope = AuthHandler.scope(exchange);
    if (!scope.admin()) {
      throw new HttpError(StatusCodes.FORBIDDEN, "the cache API is for admins only");
    }
    return scope;
  }

  /** Glance's timestamps: seconds since the epoch, with a fraction. */
  private static double seconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }
}
