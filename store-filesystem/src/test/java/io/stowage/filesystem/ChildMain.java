package io.stowage.filesystem;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import io.stowage.api.StowageException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * The program {@link ChildJvm} runs: one store operation on a datadir, its outcome printed as
 * one line ({@code OK ...} or {@code ERR <exception class>: <message>}).
 *
 * <ul>
 *   <li>{@code add DIR ID SIZE}: adds SIZE pseudo-random bytes (seeded by SIZE);
 *   <li>{@code add-endless DIR ID}: adds a stream that never ends (to be killed);
 *   <li>{@code add-many DIR ID SIZE N}: N adds of SIZE bytes at once (ids ID-0 ...), each
 *       printed as {@code OK} with its size and md5, in order;
 *   <li>{@code md5 DIR ID}: reads the image and prints its md5.
 * </ul>
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    String id = args[2];
    try (Store store = TestStores.open(dir)) {
      switch (args[0]) {
        case "add" -> {
          long size = Long.parseLong(args[3]);
          AddResult r = store.add(AddRequest.of(id, stream(size, size)));
          System.out.println("OK " + r.size() + " " + r.md5());
        }
        case "add-many" -> {
          long size = Long.parseLong(args[3]);
          int n = Integer.parseInt(args[4]);
          java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
          try {
            java.util.List<java.util.concurrent.Future<AddResult>> adds = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
              String each = id + "-" + i;
              adds.add(pool.submit(() -> store.add(AddRequest.of(each, stream(size, size)))));
            }
            for (var add : adds) {
              AddResult r = add.get();
              System.out.println("OK " + r.size() + " " + r.md5());
            }
          } finally {
            pool.shutdownNow();
          }
        }
        case "add-endless" -> {
          store.add(AddRequest.of(id, stream(Long.MAX_VALUE, 1)));
          System.out.println("OK");
        }
        case "md5" -> {
          Location at = Location.parse(dir.resolve(id).toUri().toString());
          try (ImageData data = store.get(at, ByteRange.ALL);
              InputStream in = data.stream()) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
              md5.update(buffer, 0, n);
            }
            System.out.println("OK " + HexFormat.of().formatHex(md5.digest()));
          }
        }
        default -> throw new IllegalArgumentException(args[0]);
      }
    } catch (StowageException e) {
      System.out.println("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** {@code size} pseudo-random bytes; the same for the same seed, however they are read. */
  static InputStream stream(long size, long seed) {
    return new InputStream() {
      private final Random random = new Random(seed);
      private final byte[] block = new byte[65536];
      private int used = block.length;
      private long left = size;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        if (used == block.length) {
          random.nextBytes(block);
          used = 0;
        }
        int n = (int) Math.min(Math.min(len, left), block.length - used);
        System.arraycopy(block, used, b, off, n);
        used += n;
        left -= n;
        return n;
      }
    };
  }

  static String md5Of(long size) throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    try (InputStream in = stream(size, size)) {
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md5.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md5.digest());
  }
}
