package io.stowage.api.store;



import io.stowage.api.BadLocationException;
import io.stowage.api.DisplayText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an image's data lives: a URI in one of a store's schemes, the id of the store instance
 * that wrote it (when known), and the backend's metadata for it.
 *
 * <p>The host routes a location by {@link #storeId()} when present, else by the URI's scheme;
 * when several stores serve that scheme, each is asked whether it {@link Store#owns owns} the
 * URI. Immutable; the metadata is a backend's own strings, copied.
 */
public record Location(URI uri, Optional<String> storeId, Map<String, String> metadata) {

  /**
   * Copies the metadata.
   *
   * @throws BadLocationException the URI has no scheme
   */
  public Location {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(storeId, "storeId");
    metadata = Map.copyOf(metadata);
    if (uri.getScheme() == null) {
      throw new BadLocationException("location \"" + uri + "\" has no scheme");
    }
  }

  /** A location written by the store {@code storeId}. */
  public static Location of(URI uri, String storeId, Map<String, String> metadata) {
    return new Location(uri, Optional.of(storeId), metadata);
  }

  /**
   * A location from user input, not yet tied to a store.
   *
   * @throws BadLocationException if the text is not an absolute URI
   */
  public static Location parse(String text) {
    try {
      URI uri = new URI(text);
      if (!uri.isAbsolute()) {
        throw new BadLocationException(
            "location \"" + DisplayText.of(text) + "\" is not an absolute URI (expected scheme:...)");
      }
      return new Location(uri, Optional.empty(), Map.of());
    } catch (URISyntaxException e) {
      throw new BadLocationException("location \"" + DisplayText.of(text) + "\" is not a URI: " + e.getReason());
    }
  }

  /** The URI's scheme, lowercased. */
  public String scheme() {
    return uri.getScheme().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
