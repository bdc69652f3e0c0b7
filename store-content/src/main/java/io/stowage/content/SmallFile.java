package io.stowage.content;

import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The store's small files (ingest fields, hash states, blob metadata, image index entries),
 * replaced whole through {@link AtomicFile}: a reader or a crash sees the old content or the new,
 * never a mix. Temporary files a killed process left are removed where the store opens a folder.
 */
final class SmallFile {
  private SmallFile() {}

  /**
   * Replaces {@code target} with {@code content}. With {@code durable}, the content and the name
   * reach the disk before this returns (for what must survive a power loss, not only a kill).
   */
  static void replace(Path target, byte[] content, boolean durable) throws IOException {
    try (AtomicFile file = AtomicFile.create(target)) {
      FileChannel channel = file.channel();
      ByteBuffer bytes = ByteBuffer.wrap(content);
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      file.commit(AtomicFile.Commit.REPLACE, durable);
    }
  }
}
