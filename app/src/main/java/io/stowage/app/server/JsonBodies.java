package io.stowage.app.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Reading JSON request bodies (bounded) and sending JSON responses. */
final class JsonBodies {
  /** The largest JSON body taken; image metadata is small, this only stops floods. */
  static final int MAX_BODY = 1 << 20;

  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private JsonBodies() {}

  /** Sends {@code value} as JSON with status already set (200 unless changed). */
  static void send(HttpServerExchange exchange, Object value) {
    byte[] body = prepare(exchange, value);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /**
   * Writes {@code value} as the whole response, on a blocking exchange, without ending the
   * exchange (its request may still be read).
   */
  static void write(HttpServerExchange exchange, Object value) {
    byte[] body = prepare(exchange, value);
    try (var out = exchange.getOutputStream()) {
      out.write(body);
    } catch (java.io.IOException e) {
      // the client is gone: nothing to answer
    }
  }

  private static byte[] prepare(HttpServerExchange exchange, Object value) {
    byte[] body;
    try {
      body = MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    return body;
  }

  /**
   * The request body as JSON, after checking its media type is {@code expectedType}.
   *
   * @throws HttpError 415 for another media type, 413 for a body over {@link #MAX_BODY},
   *     400 for a body that is not JSON
   */
  static JsonNode read(HttpServerExchange exchange, String expectedType) {
    String type = mediaType(exchange);
    if (!type.equals(expectedType)) {
      throw new HttpError(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "the request media type "
          + (type.isEmpty() ? "(none)" : type) + " is not supported here; send " + expectedType);
    }
    String length = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
    if (length != null && !length.strip().matches("\\d{1,19}")) {
      throw new HttpError(StatusCodes.BAD_REQUEST, "Content-Length must be a whole number of bytes");
    }
    if (length != null && (length.strip().length() > 9 || Long.parseLong(length.strip()) > MAX_BODY)) {
      // Refused before reading: a client declaring a huge body is not waited for.
      throw new HttpError(StatusCodes.REQUEST_ENTITY_TOO_LARGE,
          "the JSON body is larger than " + MAX_BODY + " bytes");
    }
    exchange.startBlocking();
    try (InputStream in = exchange.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new HttpError(StatusCodes.REQUEST_ENTITY_TOO_LARGE,
            "the JSON body is larger than " + MAX_BODY + " bytes");
      }
      if (body.length == 0) {
        throw new HttpError(StatusCodes.BAD_REQUEST, "the request has no JSON body");
      }
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new HttpError(StatusCodes.BAD_REQUEST, "the body is not valid JSON: " + parserSays(e));
    } catch (IOException e) {
      throw new HttpError(StatusCodes.BAD_REQUEST, "reading the request body failed: " + e.getMessage());
    }
  }

  // The parser's own words without what names its classes and settings (" (bound as
  // `com.fasterxml...JsonNode`): not allowed as per `DeserializationFeature...`").
  private static String parserSays(JsonProcessingException e) {
    String why = e.getOriginalMessage().split("\n")[0];
    int internals = why.indexOf(" (bound as");
    return (internals >= 0 ? why.substring(0, internals) : why).replaceAll("`[^`]*`", "").strip();
  }

  /** The request's media type, lowercased, without parameters; empty when absent. */
  static String mediaType(HttpServerExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (value == null) {
      return "";
    }
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).strip()
        .toLowerCase(java.util.Locale.ROOT);
  }
}
