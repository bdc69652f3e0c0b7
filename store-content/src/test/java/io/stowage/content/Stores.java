package io.stowage.content;

import io.stowage.api.DataSize;
import io.stowage.api.InstanceContext;
import java.nio.file.Path;
import java.util.Random;

/** Content stores and data for tests. */
final class Stores {
  private Stores() {}

  static LocalContentStore open(Path root) {
    return open(root, ContentConfig.ofRoot(root.toString()));
  }

  static LocalContentStore open(Path root, long checkpointInterval) {
    return open(root, ContentConfig.ofRoot(root.toString())
        .withCheckpointInterval(DataSize.ofBytes(checkpointInterval)));
  }

  static LocalContentStore open(Path root, ContentConfig config) {
    return (LocalContentStore) new ContentStoreProvider()
        .create(config, new InstanceContext("test", root));
  }

  static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
