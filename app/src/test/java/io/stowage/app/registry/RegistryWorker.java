package io.stowage.app.registry;

import java.nio.file.Path;

/**
 * A second process on the same registry (for {@link SharedSqliteFileTest}): increments the
 * image's {@code count} property {@code n} times and adds a tag per increment; with the id
 * {@code -}, creates an image named {@code name} instead.
 */
public final class RegistryWorker {
  private RegistryWorker() {}

  static final long T0 = System.nanoTime();

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    String id = args[1];
    int n = Integer.parseInt(args[2]);
    String name = args[3];
    try (ImageRegistry r = ImageRegistry.open(RegistrySettings.sqlite(file))) {
      if (id.equals("-")) {
        r.create(NewImage.builder().name(name).build());
      }
      for (int i = 0; i < n; i++) {
        r.update(id, x -> x.withProperty("count",
            String.valueOf(Integer.parseInt(x.properties().get("count")) + 1)));
        r.addTag(id, name + "-" + i);
      }
    }
    System.out.println("done in " + (System.nanoTime() - T0) / 1_000_000 + " ms");
  }
}
