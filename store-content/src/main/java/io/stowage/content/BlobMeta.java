package io.stowage.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A blob's times and labels, kept beside the blob in {@code meta/<alg>/<hex>} as JSON. Written
 * only under the blob's {@link BlobLocks} stripe, replaced whole ({@link SmallFile}).
 */
record BlobMeta(Instant createdAt, Instant updatedAt, Map<String, String> labels) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Optional<BlobMeta> read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      Map<String, String> labels = new TreeMap<>();
      JsonNode l = node.path("labels");
      for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        labels.put(e.getKey(), e.getValue().asText());
      }
      return Optional.of(new BlobMeta(Instant.parse(node.path("created").asText()),
          Instant.parse(node.path("updated").asText()), labels));
    } catch (IOException | RuntimeException e) {
      // A damaged file (a crash mid-rename cannot do this; a hand edit can): no labels.
      return Optional.empty();
    }
  }

  void write(Path file) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("created", createdAt.toString());
    node.put("updated", updatedAt.toString());
    ObjectNode l = node.putObject("labels");
    labels.forEach(l::put);
    Files.createDirectories(file.getParent());
    // Durable: an image's label is its reference on the blob (ImageShelf), which must survive
    // whatever the blob survives.
    SmallFile.replace(file, JSON.writeValueAsBytes(node), true);
  }
}
