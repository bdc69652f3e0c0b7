package io.stowage.app.server;

import io.stowage.app.cache.ImageCache;
import io.stowage.app.image.ImageService;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import org.xnio.Options;

/**
 * {@code stowage serve}: a Glance v2-compatible image API over an {@link ImageService}, on
 * Undertow. Each cross-cutting concern is one handler wrapping the next, outermost first:
 * request id → dispatch to a worker thread (handlers below block) → error mapping → 100-continue
 * only once a body is read (so a refused upload is not sent) → auth → routes.
 *
 * <p>Start with {@link #start}; {@link #close} stops listening and waits for no request.
 */
public final class ApiServer implements AutoCloseable {
  private final Undertow undertow;

  private ApiServer(Undertow undertow) {
    this.undertow = undertow;
  }

  /**
   * Listens on {@code settings.host():settings.port()} (port 0: any free port).
   *
   * @throws io.stowage.api.BadStoreConfigurationException listening beyond loopback without
   *     auth
   * @throws RuntimeException the address is taken or cannot be bound
   */
  public static ApiServer start(ImageService images, ServerSettings settings) {
    return start(images, settings, Optional.empty());
  }

  /**
   * As {@link #start(ImageService, ServerSettings)}, with whole-image downloads going through
   * {@code cache} (when present) and the cache API ({@code /v2/cache}) served.
   */
  public static ApiServer start(ImageService images, ServerSettings settings,
      Optional<ImageCache> cache) {
    settings.requireSafeBinding();
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j"); // Undertow logs where we do
    }
    RoutingHandler routes = routes(images, cache);
    HttpHandler chain = new AuthHandler(routes, settings.tokens(), Set.of("/", "/versions"));
    chain = new HttpContinueReadHandler(chain);
    chain = new ErrorHandler(chain);
    chain = new BlockingHandler(chain);
    chain = new RequestIdHandler(chain);
    Undertow undertow = Undertow.builder()
        .addHttpListener(settings.port(), settings.host())
        .setHandler(chain)
        .setWorkerThreads(settings.workerThreads())
        // 64 KiB direct buffers (Undertow picks 16 KiB): a quarter of the reads and socket
        // calls per image byte; a few hundred of them are still only a few MiB off-heap.
        .setBufferSize(64 * 1024)
        .setDirectBuffers(true)
        .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
        // Images are large: the size cap and quota are enforced by the upload path, and JSON
        // bodies are bounded where they are read (JsonBodies.MAX_BODY).
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
        .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
        .setServerOption(UndertowOptions.MAX_PARAMETERS, 200)
        .setServerOption(UndertowOptions.MAX_HEADERS, 100)
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 10 * 60 * 1000)
        .setSocketOption(Options.TCP_NODELAY, true)
        // A client that stops sending or reading for 5 minutes frees its worker thread; an
        // upload cut that way fails like any other (the image goes back to queued).
        .setSocketOption(Options.READ_TIMEOUT, 5 * 60 * 1000)
        .setSocketOption(Options.WRITE_TIMEOUT, 5 * 60 * 1000)
        .build();
    undertow.start();
    return new ApiServer(undertow);
  }

  private static RoutingHandler routes(ImageService images, Optional<ImageCache> cache) {
    Discovery discovery = new Discovery(images);
    ImagesResource metadata = new ImagesResource(images, cache);
    ImageFileResource data = new ImageFileResource(images, cache);
    MembersResource members = new MembersResource(images.members());
    RoutingHandler routing = Handlers.routing(false);
    cache.ifPresent(c -> {
      CacheResource api = new CacheResource(images, c);
      routing.get("/v2/cache", api::list)
          .delete("/v2/cache", api::clear)
          .put("/v2/cache/{id}", api::queue)
          .delete("/v2/cache/{id}", api::delete);
    });
    return routing
        .get("/", discovery::versions)
        .get("/versions", discovery::versions)
        .get("/v2/schemas/image", discovery::imageSchema)
        .get("/v2/schemas/images", discovery::imagesSchema)
        .get("/v2/schemas/member", discovery::memberSchema)
        .get("/v2/schemas/members", discovery::membersSchema)
        .get("/v2/info/stores", discovery::stores)
        .post("/v2/images", metadata::create)
        .get("/v2/images", metadata::list)
        .get("/v2/images/{id}", metadata::show)
        .add(Methods.PATCH, "/v2/images/{id}", metadata::update)
        .delete("/v2/images/{id}", metadata::delete)
        .put("/v2/images/{id}/tags/{tag}", metadata::addTag)
        .delete("/v2/images/{id}/tags/{tag}", metadata::removeTag)
        .put("/v2/images/{id}/file", data::upload)
        .get("/v2/images/{id}/file", data::download)
        .get("/v2/images/{id}/progress", metadata::progress)
        .get("/v2/images/{id}/members", members::list)
        .post("/v2/images/{id}/members", members::create)
        .get("/v2/images/{id}/members/{member}", members::show)
        .put("/v2/images/{id}/members/{member}", members::update)
        .delete("/v2/images/{id}/members/{member}", members::delete)
        .setFallbackHandler(exchange -> {
          throw new HttpError(StatusCodes.NOT_FOUND, "no such resource: " + exchange.getRequestPath());
        })
        .setInvalidMethodHandler(exchange -> {
          throw new HttpError(StatusCodes.METHOD_NOT_ALLOWED,
              exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestPath());
        });
  }

  /** The port listened on (the chosen one when configured as 0). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** Stops listening; requests in flight are cut. */
  @Override
  public void close() {
    undertow.stop();
  }
}
