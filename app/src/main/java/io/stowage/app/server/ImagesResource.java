package io.stowage.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.api.InvalidRequestException;
import io.stowage.app.image.ImageJson;
import io.stowage.app.image.ImageService;
import io.stowage.app.image.PropertyChange;
import io.stowage.app.registry.ImagePage;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.Scope;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.StatusCodes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Image metadata: create, list, show, patch, delete, tags, upload progress. */
final class ImagesResource {
  static final String PATCH_TYPE = "application/openstack-images-v2.1-json-patch";
  private static final HttpString ACCEPT_PATCH = new HttpString("Accept-Patch");

  private final ImageService images;

  ImagesResource(ImageService images) {
    this.images = images;
  }

  void create(HttpServerExchange exchange) {
    Scope scope = AuthHandler.scope(exchange);
    JsonNode body = JsonBodies.read(exchange, "application/json");
    if (!body.isObject()) {
      throw new InvalidRequestException("the body must be a JSON object of image properties");
    }
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      properties.put(e.getKey(), e.getValue());
    }
    ImageRecord image = images.create(scope, properties);
    exchange.setStatusCode(StatusCodes.CREATED);
    exchange.getResponseHeaders().put(Headers.LOCATION, exchange.getRequestScheme() + "://"
        + exchange.getHostAndPort() + "/v2/images/" + image.id());
    JsonBodies.send(exchange, ImageJson.render(image));
  }

  void list(HttpServerExchange exchange) {
    Scope scope = AuthHandler.scope(exchange);
    ListQuery query = ListQuery.parse(exchange.getQueryString(), scope);
    ImagePage page = images.list(query.query());
    List<Map<String, Object>> rendered = new ArrayList<>();
    for (ImageRecord image : page.images()) {
      rendered.add(ImageJson.render(image));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("images", rendered);
    json.put("first", "/v2/images" + query.linkQuery(Optional.empty()));
    json.put("schema", "/v2/schemas/images");
    page.nextMarker().ifPresent(m -> json.put("next", "/v2/images" + query.linkQuery(Optional.of(m))));
    JsonBodies.send(exchange, json);
  }

  void show(HttpServerExchange exchange) {
    JsonBodies.send(exchange, ImageJson.render(images.show(AuthHandler.scope(exchange), id(exchange))));
  }

  void update(HttpServerExchange exchange) {
    Scope scope = AuthHandler.scope(exchange);
    String id = id(exchange);
    JsonNode body;
    try {
      body = JsonBodies.read(exchange, PATCH_TYPE);
    } catch (HttpError e) {
      if (e.status() == StatusCodes.UNSUPPORTED_MEDIA_TYPE) {
        exchange.getResponseHeaders().put(ACCEPT_PATCH, PATCH_TYPE);
      }
      throw e;
    }
    if (!body.isArray()) {
      throw new InvalidRequestException("the body must be a JSON array of operation objects");
    }
    List<PropertyChange> changes = new ArrayList<>();
    for (JsonNode op : body) {
      changes.add(change(op));
    }
    JsonBodies.send(exchange, ImageJson.render(images.update(scope, id, changes)));
  }

  private static PropertyChange change(JsonNode op) {
    if (!op.isObject() || !op.path("op").isTextual() || !op.path("path").isTextual()) {
      throw new InvalidRequestException(
          "each operation is an object with string members \"op\" and \"path\"");
    }
    PropertyChange.Op kind = PropertyChange.Op.of(op.get("op").textValue());
    String path = op.get("path").textValue();
    if (!path.startsWith("/") || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new InvalidRequestException("path \"" + path
          + "\" is not one of the image's properties (\"/name\", \"/tags\", ...)");
    }
    String property = path.substring(1).replace("~1", "/").replace("~0", "~");
    JsonNode value = op.get("value");
    if (kind != PropertyChange.Op.REMOVE && value == null) {
      throw new InvalidRequestException(
          "operation \"" + op.get("op").textValue() + "\" requires a member named \"value\"");
    }
    return new PropertyChange(kind, property,
        kind == PropertyChange.Op.REMOVE ? Optional.empty() : Optional.of(value));
  }

  void delete(HttpServerExchange exchange) {
    images.delete(AuthHandler.scope(exchange), id(exchange));
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  void addTag(HttpServerExchange exchange) {
    images.addTag(AuthHandler.scope(exchange), id(exchange), param(exchange, "tag"));
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  void removeTag(HttpServerExchange exchange) {
    images.removeTag(AuthHandler.scope(exchange), id(exchange), param(exchange, "tag"));
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  void progress(HttpServerExchange exchange) {
    Scope scope = AuthHandler.scope(exchange);
    String id = id(exchange);
    ImageRecord image = images.show(scope, id);
    JsonBodies.send(exchange, ImageJson.progress(image, images.progress(scope, id)));
  }

  static String id(HttpServerExchange exchange) {
    return param(exchange, "id");
  }

  private static String param(HttpServerExchange exchange, String name) {
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String value = match.getParameters().get(name);
    if (value == null || value.isEmpty() || value.length() > 255) {
      throw new InvalidRequestException(name + " must be 1 to 255 characters");
    }
    return value;
  }
}
