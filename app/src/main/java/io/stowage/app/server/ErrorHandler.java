package io.stowage.app.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever the handlers after it throw into a status code and a short JSON body
 * ({@code {"error": {"code", "title", "message"}}}), never a stack trace; internal errors are
 * logged with theirs. Runs on a worker thread, where the handlers after it block.
 */
final class ErrorHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  private final HttpHandler next;

  ErrorHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    try {
      next.handleRequest(exchange);
    } catch (Throwable e) {
      send(exchange, e);
    }
  }

  /** Answers {@code e} if nothing was sent yet, else cuts the connection so the client sees it. */
  static void send(HttpServerExchange exchange, Throwable e) {
    int status = ErrorStatus.of(e);
    String message = ErrorStatus.message(e);
    if (status >= 500) {
      LOG.warn("{} {} {} failed: {}", exchange.getAttachment(RequestIdHandler.ID),
          exchange.getRequestMethod(), exchange.getRequestPath(), message, e);
    }
    if (exchange.isResponseStarted()) {
      // Too late for a status: the client must not take a cut-off body for a whole one.
      exchange.setPersistent(false);
      org.xnio.IoUtils.safeClose(exchange.getConnection());
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().remove(Headers.CONTENT_RANGE);
    exchange.getResponseHeaders().remove(Headers.CONTENT_LENGTH);
    exchange.getResponseHeaders().remove(Headers.CONTENT_MD5);
    if (status == StatusCodes.UNAUTHORIZED) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Keystone uri=\"\"");
    }
    Map<String, Object> body = Map.of("error", Map.of(
        "code", status, "title", StatusCodes.getReason(status), "message", message));
    if (!LingeringClose.needed(exchange)) {
      JsonBodies.send(exchange, body);
      return;
    }
    // Refused before the body was read: the connection is not kept for another request, and
    // the rest of the body is read and dropped after the answer, so that the client gets it.
    exchange.setPersistent(false);
    JsonBodies.write(exchange, body);
    LingeringClose.drain(exchange);
  }
}
