package io.stowage.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.app.image.ImageService;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What clients read before they act: API versions, the image and member schemas and the
 * stores.
 *
 * <p>The image schema is Glance's, less the {@code stores} property: glanceclient 4.1 turns
 * every schema property into a command-line option and then fails on {@code --stores}, which
 * it already has. Which stores hold an image is in {@code /v2/info/stores} and the locations.
 */
final class Discovery {
  /** The versions Glance 25 (Zed) announces; clients pick the newest they know. */
  private static final List<String> VERSIONS = List.of("v2.16", "v2.15", "v2.14", "v2.9",
      "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0");

  private final ImageService images;
  private final JsonNode imageSchema;
  private final JsonNode imagesSchema;
  private final JsonNode memberSchema;
  private final JsonNode membersSchema;

  Discovery(ImageService images) {
    this.images = images;
    this.imageSchema = resource("image-schema.json");
    ObjectNode list = JsonBodies.MAPPER.createObjectNode();
    list.put("name", "images");
    ObjectNode properties = list.putObject("properties");
    properties.putObject("images").put("type", "array").set("items", imageSchema);
    properties.putObject("first").put("type", "string");
    properties.putObject("next").put("type", "string");
    properties.putObject("schema").put("type", "string");
    var links = list.putArray("links");
    links.addObject().put("rel", "first").put("href", "{first}");
    links.addObject().put("rel", "next").put("href", "{next}");
    links.addObject().put("rel", "describedby").put("href", "{schema}");
    this.imagesSchema = list;
    this.memberSchema = resource("member-schema.json");
    // Glance's collection schema: the members, the schema link, one "describedby" link.
    ObjectNode members = JsonBodies.MAPPER.createObjectNode();
    members.put("name", "members");
    ObjectNode memberProperties = members.putObject("properties");
    memberProperties.putObject("members").put("type", "array").set("items", memberSchema);
    memberProperties.putObject("schema").put("type", "string");
    members.putArray("links").addObject().put("rel", "describedby").put("href", "{schema}");
    this.membersSchema = members;
  }

  private static JsonNode resource(String name) {
    try (InputStream in = Discovery.class.getResourceAsStream(name)) {
      return JsonBodies.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void memberSchema(HttpServerExchange exchange) {
    AuthHandler.scope(exchange);
    JsonBodies.send(exchange, memberSchema);
  }

  void membersSchema(HttpServerExchange exchange) {
    AuthHandler.scope(exchange);
    JsonBodies.send(exchange, membersSchema);
  }

  void versions(HttpServerExchange exchange) {
    String href = exchange.getRequestScheme() + "://" + exchange.getHostAndPort() + "/v2/";
    List<Map<String, Object>> versions = new ArrayList<>();
    for (String v : VERSIONS) {
      versions.add(Map.of("id", v, "status", v.equals(VERSIONS.get(0)) ? "CURRENT" : "SUPPORTED",
          "links", List.of(Map.of("rel", "self", "href", href))));
    }
    if (exchange.getRelativePath().equals("/")) {
      exchange.setStatusCode(300); // Glance answers the root with "multiple choices"
    }
    JsonBodies.send(exchange, Map.of("versions", versions));
  }

  void imageSchema(HttpServerExchange exchange) {
    AuthHandler.scope(exchange);
    JsonBodies.send(exchange, imageSchema);
  }

  void imagesSchema(HttpServerExchange exchange) {
    AuthHandler.scope(exchange);
    JsonBodies.send(exchange, imagesSchema);
  }

  void stores(HttpServerExchange exchange) {
    AuthHandler.scope(exchange);
    List<Map<String, Object>> stores = new ArrayList<>();
    String defaultId = images.defaultStoreId();
    for (io.stowage.app.service.StoreStatus status : images.stores()) {
      Map<String, Object> store = new LinkedHashMap<>();
      store.put("id", status.id());
      store.put("description", "");
      if (status.id().equals(defaultId)) {
        store.put("default", true);
      }
      if (!status.available()) {
        // Beyond Glance (clients ignore unknown keys): a store that cannot work says why.
        store.put("available", false);
        store.put("problem", status.problem().orElse(""));
      }
      stores.add(store);
    }
    JsonBodies.send(exchange, Map.of("stores", stores));
  }
}
