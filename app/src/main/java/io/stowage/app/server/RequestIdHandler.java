package io.stowage.app.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import java.util.UUID;

/**
 * Gives every exchange an id, {@code req-<uuid>} as Glance does, and sends it back as
 * {@code X-Openstack-Request-Id} on every response, errors included.
 */
final class RequestIdHandler implements HttpHandler {
  static final HttpString HEADER = new HttpString("X-Openstack-Request-Id");
  static final AttachmentKey<String> ID = AttachmentKey.create(String.class);

  private final HttpHandler next;

  RequestIdHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String id = "req-" + UUID.randomUUID();
    exchange.putAttachment(ID, id);
    exchange.getResponseHeaders().put(HEADER, id);
    next.handleRequest(exchange);
  }
}
