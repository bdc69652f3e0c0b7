package io.stowage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that falls behind: the add goes on into spare buffers instead of waiting for it, up to
 * {@link DirectSink#MOST}, and every spare goes back to the process when the add ends. The disk
 * here is held back by not starting the sink's writer until the test says so.
 */
class DirectSinkTest {
  private static final int SIZE = IoBuffers.SIZE;

  @TempDir Path tmp;

  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private final ExecutorService adder = Executors.newSingleThreadExecutor();
  private final CountDownLatch disk = new CountDownLatch(1);

  @AfterEach
  void stop() {
    disk.countDown();
    writer.shutdownNow();
    adder.shutdownNow();
  }

  @Test
  void aStalledDiskIsBufferedUpToTheLimitAndEverySpareComesBack() throws Exception {
    Path file = tmp.resolve("img.tmp");
    int lendable = IoBuffers.sparesLendable();
    int held = Math.min(DirectSink.MOST, DirectSink.DEPTH + lendable);
    byte[] data = TestStores.random((held + 1) * SIZE, 7);
    try (FileChannel buffered = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      Executor heldBack = task -> writer.execute(() -> {
        try {
          disk.await();
        } catch (InterruptedException e) {
          return;
        }
        task.run();
      });
      DirectSink sink = DirectSink.open(file, buffered, 64 * 1024, false, true, heldBack)
          .orElseThrow(() -> new AssertionError("no O_DIRECT in " + tmp));
      try {
        // With only its first three buffers, the add would wait for the disk at the fourth.
        Future<?> ahead = adder.submit(() -> writeBlocks(sink, data, 0, held));
        ahead.get(30, TimeUnit.SECONDS);
        assertThat(IoBuffers.sparesLendable()).isEqualTo(lendable - (held - DirectSink.DEPTH));

        Future<?> last = adder.submit(() -> writeBlocks(sink, data, held, held + 1));
        if (held == DirectSink.MOST) {
          Thread.sleep(300);
          assertThat(last).as("a write beyond the limit waits for the disk").isNotDone();
        }
        disk.countDown();
        last.get(30, TimeUnit.SECONDS);
        sink.finish();
      } finally {
        disk.countDown(); // else close waits for a writer that never starts
        sink.close();
      }
    }
    assertThat(IoBuffers.sparesLendable()).isEqualTo(lendable);
    assertThat(Files.readAllBytes(file)).isEqualTo(data);
  }

  private static Void writeBlocks(DirectSink sink, byte[] data, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      sink.write(ByteBuffer.wrap(data, i * SIZE, SIZE).asReadOnlyBuffer(), (long) i * SIZE);
    }
    return null;
  }
}
