package io.stowage.content;

import io.stowage.api.content.ContentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What tests run in another JVM:
 * <ul>
 *   <li>{@code hold ROOT REF SIZE INTERVAL} ({@link ResumeTest}) opens the writer of REF, writes
 *       SIZE bytes ({@link Stores#bytes} seeded 42), waits until a checkpoint covers all of them,
 *       prints {@code READY} and holds the ref until killed;
 *   <li>{@code add-crash ROOT ID SIZE SEED} ({@link ImageCrashTest}) adds image ID of SIZE bytes
 *       ({@link Stores#bytes} seeded SEED) and halts (exit 3, as a kill would: no cleanup) between
 *       writing its index entry and its label.
 * </ul>
 */
public final class Child {
  private Child() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("add-crash")) {
      ImageShelf.crashPoint = () -> Runtime.getRuntime().halt(3);
      byte[] image = Stores.bytes(Long.parseLong(args[4]), Integer.parseInt(args[3]));
      LocalContentStore store = Stores.open(Path.of(args[1]));
      store.add(io.stowage.api.store.AddRequest.of(args[2],
          new java.io.ByteArrayInputStream(image)));
      System.exit(0); // not reached
    }
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
