package io.stowage.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.api.InvalidRequestException;
import io.stowage.app.image.ImageJson;
import io.stowage.app.image.ImageMembers;
import io.stowage.app.registry.ImageMember;
import io.stowage.app.registry.MemberStatus;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.StatusCodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image members, as Glance v2 serves them: {@code /v2/images/{id}/members[/{member}]}, bodies
 * {@code {"member": "project"}} and {@code {"status": "accepted"}}, answers with the member
 * schema's fields.
 */
final class MembersResource {
  private final ImageMembers members;

  MembersResource(ImageMembers members) {
    this.members = members;
  }

  void list(HttpServerExchange exchange) {
    List<Map<String, Object>> rendered = new ArrayList<>();
    for (ImageMember m : members.list(AuthHandler.scope(exchange), ImagesResource.id(exchange))) {
      rendered.add(render(m));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("members", rendered);
    json.put("schema", "/v2/schemas/members");
    JsonBodies.send(exchange, json);
  }

  void show(HttpServerExchange exchange) {
    JsonBodies.send(exchange, render(members.show(
        AuthHandler.scope(exchange), ImagesResource.id(exchange), member(exchange))));
  }

  void create(HttpServerExchange exchange) {
    String id = ImagesResource.id(exchange);
    JsonNode body = JsonBodies.read(exchange, "application/json");
    if (!body.isObject()) {
      throw new InvalidRequestException("Expected a member in the form: {\"member\": \"project\"}");
    }
    JsonNode member = body.get("member");
    if (member == null || member.isNull()) {
      throw new InvalidRequestException("Member to be added not specified");
    }
    if (!member.isTextual()) {
      throw new InvalidRequestException("member must be a string (a project id), not " + member);
    }
    if (member.textValue().isEmpty()) {
      throw new InvalidRequestException("Member can't be empty");
    }
    JsonBodies.send(exchange,
        render(members.add(AuthHandler.scope(exchange), id, member.textValue())));
  }

  void update(HttpServerExchange exchange) {
    String id = ImagesResource.id(exchange);
    String member = member(exchange);
    JsonNode body = JsonBodies.read(exchange, "application/json");
    JsonNode status = body.isObject() ? body.get("status") : null;
    if (status == null || status.isNull()) {
      throw new InvalidRequestException("Status not specified");
    }
    if (!status.isTextual()) {
      throw new InvalidRequestException(
          "Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".");
    }
    MemberStatus parsed;
    try {
      parsed = MemberStatus.of(status.textValue());
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("Incorrect request: " + e.getMessage());
    }
    JsonBodies.send(exchange, render(members.update(AuthHandler.scope(exchange), id, member, parsed)));
  }

  void delete(HttpServerExchange exchange) {
    members.remove(AuthHandler.scope(exchange), ImagesResource.id(exchange), member(exchange));
    exchange.setStatusCode(StatusCodes.NO_CONTENT);
  }

  private static String member(HttpServerExchange exchange) {
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String value = match.getParameters().get("member");
    if (value == null || value.isEmpty() || value.length() > 255) {
      throw new InvalidRequestException("member must be 1 to 255 characters");
    }
    return value;
  }

  static Map<String, Object> render(ImageMember m) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("member_id", m.member());
    json.put("image_id", m.imageId());
    json.put("status", m.status().wireName());
    json.put("created_at", ImageJson.time(m.createdAt()));
    json.put("updated_at", ImageJson.time(m.updatedAt()));
    json.put("schema", "/v2/schemas/member");
    return json;
  }
}
