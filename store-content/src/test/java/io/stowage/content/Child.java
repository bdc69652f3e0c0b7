package io.stowage.content;

import io.stowage.api.content.ContentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What {@link ResumeTest} runs in another JVM: {@code hold ROOT REF SIZE INTERVAL} opens the
 * writer of REF, writes SIZE bytes ({@link Stores#bytes} seeded 42), waits until a checkpoint
 * covers all of them, prints {@code READY} and holds the ref until killed.
 */
public final class Child {
  private Child() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[1]);
    String ref = args[2];
    int size = Integer.parseInt(args[3]);
    long interval = Long.parseLong(args[4]);
    LocalContentStore store = Stores.open(root, interval);
    ContentWriter w = store.writer(ref, OptionalLong.empty());
    byte[] data = Stores.bytes(42, size);
    w.write(data, 0, data.length);
    Path state = root.resolve("ingest").resolve(Layout.sha256Hex(ref)).resolve("hashstate");
    for (int i = 0; i < 600; i++) {
      if (Files.exists(state) && Files.readString(state).contains(" " + size + " ")) {
        break;
      }
      Thread.sleep(50);
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
