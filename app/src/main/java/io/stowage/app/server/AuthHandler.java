package io.stowage.app.server;

import io.stowage.app.registry.Scope;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Decides who is calling. With no tokens configured every request acts as {@link Scope#ADMIN}
 * (the server then listens on loopback only). With tokens, a request without a known
 * {@code X-Auth-Token} is answered 401 before anything is read; otherwise it acts for the
 * token's project, as an admin if the token has the {@code admin} role.
 *
 * <p>Tokens are kept as SHA-256 digests, so a lookup's time does not depend on how much of a
 * guessed token matches.
 */
final class AuthHandler implements HttpHandler {
  static final AttachmentKey<Scope> SCOPE = AttachmentKey.create(Scope.class);
  static final HttpString TOKEN_HEADER = new HttpString("X-Auth-Token");

  private final HttpHandler next;
  private final Map<String, Scope> byDigest = new HashMap<>();
  private final Set<String> open;

  /**
   * @param open paths served to everyone, tokens or not (version discovery)
   */
  AuthHandler(HttpHandler next, Map<String, ServerSettings.Grant> tokens, Set<String> open) {
    this.next = next;
    this.open = Set.copyOf(open);
    tokens.forEach((token, grant) -> byDigest.put(digest(token),
        new Scope(java.util.Optional.of(grant.project()), grant.roles().contains("admin"))));
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (byDigest.isEmpty()) {
      exchange.putAttachment(SCOPE, Scope.ADMIN);
    } else if (!open.contains(exchange.getRelativePath())) {
      String token = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
      Scope scope = token == null ? null : byDigest.get(digest(token));
      if (scope == null) {
        throw new HttpError(StatusCodes.UNAUTHORIZED, token == null
            ? "this request needs an X-Auth-Token header" : "the X-Auth-Token is not valid");
      }
      exchange.putAttachment(SCOPE, scope);
    }
    next.handleRequest(exchange);
  }

  /** The caller of an exchange that passed this handler. */
  static Scope scope(HttpServerExchange exchange) {
    Scope scope = exchange.getAttachment(SCOPE);
    if (scope == null) {
      throw new HttpError(StatusCodes.UNAUTHORIZED, "this request needs an X-Auth-Token header");
    }
    return scope;
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
