package io.stowage.cache.xattr;

import io.stowage.api.ImageData;
import io.stowage.api.LockedException;
import io.stowage.api.DuplicateException;
import io.stowage.api.cache.CacheWriter;
import io.stowage.api.cache.ExpectedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The other process of the multi-process and crash tests: a JVM that uses a cache folder in one
 * of a few ways and says on stdout when it has got somewhere.
 */
public final class CacheChild {
  private CacheChild() {}

  /** The bytes of image {@code id}: the same in every process, so readers can check them. */
  static byte[] content(String id, int size) {
    byte[] data = new byte[size];
    new Random(id.hashCode()).nextBytes(data);
    return data;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    try (XattrCacheDriver driver = XattrCacheDriver.open(dir)) {
      switch (args[0]) {
        case "write-pause" -> writePause(driver, args[2], Integer.parseInt(args[3]));
        case "write-loop" -> writeLoop(driver, Integer.parseInt(args[2]));
        case "read" -> read(driver, args[2], Integer.parseInt(args[3]),
            Integer.parseInt(args[4]), Path.of(args[5]));
        case "read-loop" -> readLoop(driver, args[2], Integer.parseInt(args[3]));
        case "commit" -> {
          try (CacheWriter writer = driver.openForWrite(args[2], ExpectedImage.unknown())) {
            writer.write(ByteBuffer.wrap(content(args[2], Integer.parseInt(args[3]))));
            writer.commit();
          }
          System.out.println("committed");
        }
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  /** Writes half of an entry, says "midway", and waits to be killed. */
  private static void writePause(XattrCacheDriver driver, String id, int size) throws Exception {
    byte[] data = content(id, size);
    CacheWriter writer = driver.openForWrite(id, ExpectedImage.unknown().withSize(size));
    writer.write(ByteBuffer.wrap(data, 0, size / 2));
    System.out.println("midway");
    System.out.flush();
    Thread.sleep(120_000);
  }

  /** Writes and commits entries img-0, img-1, ... of varying sizes until killed. */
  private static void writeLoop(XattrCacheDriver driver, int size) throws IOException {
    System.out.println("writing");
    System.out.flush();
    for (int i = 0; ; i++) {
      String id = "img-" + i;
      byte[] data = content(id, size + i % 7919);
      try (CacheWriter writer = driver.openForWrite(id, ExpectedImage.unknown().withSize(data.length)
          .withMd5(CacheChildSupport.md5(data)))) {
        for (int at = 0; at < data.length; at += 4096) {
          writer.write(ByteBuffer.wrap(data, at, Math.min(4096, data.length - at)));
        }
        writer.commit();
      } catch (LockedException | DuplicateException e) {
        // Left by an earlier run.
      }
    }
  }

  /** Waits for {@code go} to exist, then reads {@code rounds} times on each of the threads. */
  private static void read(XattrCacheDriver driver, String id, int threads, int rounds, Path go)
      throws Exception {
    System.out.println("ready");
    System.out.flush();
    while (!Files.exists(go)) {
      Thread.sleep(1);
    }
    List<Thread> readers = new ArrayList<>();
    AtomicLong reads = new AtomicLong();
    for (int t = 0; t < threads; t++) {
      Thread reader = new Thread(() -> {
        for (int r = 0; r < rounds; r++) {
          try (ImageData data = driver.openForRead(id).orElseThrow()) {
            data.channel().read(ByteBuffer.allocate(16));
            reads.incrementAndGet();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      });
      reader.start();
      readers.add(reader);
    }
    for (Thread reader : readers) {
      reader.join();
    }
    System.out.println("read " + reads.get());
  }

  /** Reads on every thread until killed. */
  private static void readLoop(XattrCacheDriver driver, String id, int threads) throws Exception {
    for (int t = 0; t < threads; t++) {
      Thread reader = new Thread(() -> {
        while (true) {
          driver.openForRead(id).orElseThrow().close();
        }
      });
      reader.setDaemon(true);
      reader.start();
    }
    System.out.println("reading");
    System.out.flush();
    Thread.sleep(120_000);
  }
}
