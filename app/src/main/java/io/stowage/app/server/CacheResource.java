package io.stowage.app.server;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.api.cache.CachedImage;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.image.ImageService;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.Scope;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
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

  /**
   * Glance's xattr driver's list: times in whole seconds (it reports the files' {@code stat}
   * times as integers), fields in its order.
   */
  void list(HttpServerExchange exchange) {
    admin(exchange);
    List<Map<String, Object>> cached = new ArrayList<>();
    for (CachedImage image : cache.driver().cachedImages()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("image_id", image.imageId());
      m.put("last_modified", image.lastModified().getEpochSecond());
      m.put("last_accessed", image.lastAccessed().getEpochSecond());
      m.put("size", image.size());
      m.put("hits", image.hits());
      cached.add(m);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("cached_images", cached);
    json.put("queued_images", cache.driver().queuedImages());
    JsonBodies.send(exchange, json);
  }

  /**
   * Queues an active image and, as Glance's cache worker does, fetches it into the cache in the
   * background at once (202; queuing one already cached is a no-op). An image the caller cannot
   * see, or an id that names none, is 404; one without data 400.
   */
  void queue(HttpServerExchange exchange) {
    Scope scope = admin(exchange);
    ImageRecord image = images.show(scope, ImagesResource.id(exchange));
    if (!ImageService.hasData(image)) {
      throw new InvalidRequestException("image " + image.id() + " is "
          + image.status().toString().toLowerCase(Locale.ROOT)
          + "; only active images can be queued for caching");
    }
    if (cache.queue(image.id())) {
      cache.prefetchSoon(new ImageServiceSource(images));
    }
    exchange.setStatusCode(StatusCodes.ACCEPTED);
  }

  /**
   * Removes the image from the cache and the queue (204), as Glance: 404 only when the registry
   * has no such image and neither the cache nor the queue holds it.
   */
  void delete(HttpServerExchange exchange) {
    Scope scope = admin(exchange);
    String id = ImagesResource.id(exchange);
    try {
      images.show(scope, id);
    } catch (NotFoundException e) {
      if (!cachedOrQueued(id)) {
        throw e;
      }
    }
    cache.evict(id);
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  private boolean cachedOrQueued(String id) {
    try {
      return cache.driver().isCached(id) || cache.driver().isQueued(id);
    } catch (InvalidRequestException e) {
      return false; // not a name the cache can hold
    }
  }

  /** Glance's clear: the target header compared without case; anything else is 400. */
  void clear(HttpServerExchange exchange) {
    admin(exchange);
    String target = exchange.getRequestHeaders().getFirst(CLEAR_TARGET);
    ImageCache.Target t = switch (target == null ? "" : target.strip().toLowerCase(Locale.ROOT)) {
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

}
