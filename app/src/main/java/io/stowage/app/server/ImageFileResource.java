package io.stowage.app.server;

import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.StoreIOException;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.image.ImageService;
import io.stowage.app.image.Upload;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.Scope;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;
import java.util.OptionalLong;
import io.stowage.api.ProgressListener;
import org.xnio.channels.StreamSinkChannel;

/**
 * Image data: {@code PUT /v2/images/{id}/file} streams the request body (fixed length or
 * chunked) into the image service; {@code GET} sends it whole (200) or one range (206), a
 * region of a local file as the socket takes it, from the I/O thread ({@link FileRegionSend}),
 * never through the heap.
 */
final class ImageFileResource {
  static final HttpString IMAGE_SIZE = new HttpString("x-openstack-image-size");
  static final HttpString STORE = new HttpString("x-image-meta-store");

  private final ImageService images;
  private final Optional<ImageCache> cache;

  ImageFileResource(ImageService images, Optional<ImageCache> cache) {
    this.images = images;
    this.cache = cache;
  }

  void upload(HttpServerExchange exchange) throws IOException {
    Scope scope = AuthHandler.scope(exchange);
    String id = ImagesResource.id(exchange);
    String type = JsonBodies.mediaType(exchange);
    if (!type.isEmpty() && !type.equals("application/octet-stream")) {
      throw new HttpError(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "the request media type " + type
          + " is not supported here; send application/octet-stream");
    }
    String store = exchange.getRequestHeaders().getFirst(STORE);
    if (store != null && !images.storeIds().contains(store)) {
      throw new InvalidRequestException("unknown store \"" + printable(store)
          + "\" in x-image-meta-store (stores: " + String.join(", ", images.storeIds()) + ")");
    }
    long declared = declaredSize(exchange);
    Optional<String> md5 = contentMd5(exchange);
    exchange.startBlocking();
    // Not closed here: closing reads the rest of a refused body first, with no limit, before the
    // answer; the error handler answers first, then reads a bounded rest (LingeringClose).
    InputStream body = exchange.getInputStream();
    Upload upload = new Upload(body,
        declared < 0 ? OptionalLong.empty() : OptionalLong.of(declared),
        Optional.ofNullable(store), md5, ProgressListener.NONE);
    images.upload(scope, id, upload);
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  /** {@code Content-MD5}: base64 of the digest (RFC 1864) or, as Glance sends it, hex. */
  private static Optional<String> contentMd5(HttpServerExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst(Headers.CONTENT_MD5);
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    if (v.matches("[0-9a-fA-F]{32}")) {
      return Optional.of(v.toLowerCase(java.util.Locale.ROOT));
    }
    try {
      byte[] digest = java.util.Base64.getDecoder().decode(v);
      if (digest.length == 16) {
        return Optional.of(java.util.HexFormat.of().formatHex(digest));
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new InvalidRequestException("Content-MD5 \"" + printable(v)
        + "\" is neither 32 hex digits nor the base64 of 16 bytes");
  }

  /** x-openstack-image-size, else Content-Length, else -1 (chunked); both must agree. */
  private static long declaredSize(HttpServerExchange exchange) {
    long header = size(exchange.getRequestHeaders().getFirst(IMAGE_SIZE), "x-openstack-image-size");
    boolean chunked = exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
    long length = chunked ? -1 : size(exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH), "Content-Length");
    if (header >= 0 && length >= 0 && header != length) {
      throw new InvalidRequestException("x-openstack-image-size " + header
          + " does not match the body's Content-Length " + length);
    }
    return header >= 0 ? header : length;
  }

  private static long size(String value, String name) {
    if (value == null) {
      return -1;
    }
    if (!value.matches("\\d{1,19}")) {
      throw new InvalidRequestException(name + " must be a whole number of bytes, not \""
          + printable(value) + "\"");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(name + " " + value + " is too large");
    }
  }

  void download(HttpServerExchange exchange) throws IOException {
    Scope scope = AuthHandler.scope(exchange);
    ImageRecord image = images.show(scope, ImagesResource.id(exchange));
    if (!ImageService.hasData(image)) {
      exchange.setStatusCode(StatusCodes.NO_CONTENT);
      return;
    }
    long size = image.size().orElseThrow();
    String rangeHeader = exchange.getRequestHeaders().getFirst(Headers.RANGE);
    RangeHeader range = rangeHeader == null ? null : RangeHeader.resolve(rangeHeader, size);
    ByteRange read = range == null ? ByteRange.ALL : ByteRange.of(range.first(), range.length());
    ImageData data = open(scope, image, read);
    boolean handedOver = false;
    try {
      var headers = exchange.getResponseHeaders();
      headers.put(Headers.CONTENT_TYPE, "application/octet-stream");
      image.checksum().ifPresent(md5 -> headers.put(Headers.CONTENT_MD5, md5));
      headers.put(Headers.CONTENT_LENGTH, data.size());
      if (range != null) {
        exchange.setStatusCode(StatusCodes.PARTIAL_CONTENT);
        headers.put(Headers.CONTENT_RANGE, range.contentRange(size));
      }
      var region = data.fileRegion();
      if (region.isPresent()) {
        drainRequest(exchange);
        handedOver = true;
        FileRegionSend.start(exchange, data, region.get());
      } else {
        // Straight onto the response channel: an OutputStream (through Channels.newChannel)
        // would copy every byte twice more, 8 KiB at a time, into Undertow's own buffers.
        StreamSinkChannel out = exchange.getResponseChannel();
        long sent = data.transferTo(new BlockingSink(out));
        if (sent != data.size()) {
          throw new StoreIOException("the store sent " + sent + " of " + data.size() + " bytes");
        }
        out.shutdownWrites();
        org.xnio.channels.Channels.flushBlocking(out);
      }
    } finally {
      if (!handedOver) {
        data.close();
      }
    }
  }

  /**
   * Reads a GET's body, if a client sent one, here on the worker thread: the exchange may end on
   * the I/O thread, where the blocking request stream must not be read.
   */
  private static void drainRequest(HttpServerExchange exchange) throws IOException {
    if (!exchange.isRequestComplete()) {
      try (InputStream body = exchange.getInputStream()) {
        body.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
  }

  /**
   * The image's bytes: a whole image through the cache when one is configured (served from it,
   * or teed into it from the store); a range always from the store.
   */
  private ImageData open(Scope scope, ImageRecord image, ByteRange read) {
    if (cache.isEmpty()) {
      return images.download(scope, image, read);
    }
    return cache.get().open(image.id(), ImageServiceSource.expected(image), read, () -> images.download(scope, image, read));
  }

  /** Undertow's non-blocking response channel, written from this worker thread as a blocking one. */
  private static final class BlockingSink implements WritableByteChannel {
    private final StreamSinkChannel out;

    BlockingSink(StreamSinkChannel out) {
      this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return org.xnio.channels.Channels.writeBlocking(out, src);
    }

    @Override
    public boolean isOpen() {
      return out.isOpen();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
