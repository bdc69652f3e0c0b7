package io.stowage.content;

import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Where things live under the root. Refs and image ids become names only through their SHA-256,
 * so no caller's text is ever a path.
 */
record Layout(Path root) {

  Path blobs() {
    return root.resolve("blobs");
  }

  Path blob(Digest digest) {
    return blobs().resolve(digest.algorithm().id()).resolve(digest.hex());
  }

  Path blobFolder(DigestAlgorithm algorithm) {
    return blobs().resolve(algorithm.id());
  }

  Path meta(Digest digest) {
    return metaFolder(digest.algorithm()).resolve(digest.hex());
  }

  Path metaFolder(DigestAlgorithm algorithm) {
    return root.resolve("meta").resolve(algorithm.id());
  }

  Path ingests() {
    return root.resolve("ingest");
  }

  Path ingest(String ref) {
    return ingests().resolve(sha256Hex(ref));
  }

  Path locks() {
    return root.resolve("locks");
  }

  Path images() {
    return root.resolve("images");
  }

  Path image(String imageId) {
    return images().resolve(sha256Hex(imageId));
  }

  static String sha256Hex(String text) {
    byte[] hash = DigestAlgorithm.SHA256.newDigest().digest(text.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(hash);
  }
}
