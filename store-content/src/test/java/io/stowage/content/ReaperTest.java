package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.InstanceContext;
import io.stowage.api.content.ContentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Abandoned ingests are reaped on the host's {@link io.stowage.api.TaskScheduler}. */
class ReaperTest {
  @TempDir Path root;

  private void age(String ref, Duration by) throws Exception {
    Path dir = root.resolve("ingest").resolve(Layout.sha256Hex(ref));
    FileTime old = FileTime.from(Instant.now().minus(by));
    for (String f : new String[] {"data", "ref", "startedat"}) {
      Files.setLastModifiedTime(dir.resolve(f), old);
    }
  }

  @Test
  void expiredIngestsAreReapedOnTheSchedulerUntilTheStoreCloses() throws Exception {
    ContentConfig config = ContentConfig.ofRoot(root.toString())
        .withIngestExpiry(Duration.ofSeconds(10));
    try (TestScheduler scheduler = new TestScheduler()) {
      LocalContentStore store = (LocalContentStore) new ContentStoreProvider(scheduler)
          .create(config, new InstanceContext("test", root));
      try (ContentWriter w = store.writer("old", OptionalLong.empty())) {
        w.write(new byte[10], 0, 10);
      }
      try (ContentWriter w = store.writer("fresh", OptionalLong.empty())) {
        w.write(new byte[10], 0, 10);
      }
      age("old", Duration.ofHours(1));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (store.statuses(io.stowage.api.content.ContentFilter.ALL).size() > 1
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(store.statuses(io.stowage.api.content.ContentFilter.ALL))
          .extracting(s -> s.ref()).containsExactly("fresh");
      assertThat(scheduler.runs.get()).isPositive();
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("stowage-content-reaper")).toList())
          .as("no thread of the store's own").isEmpty();

      store.close();
      assertThat(scheduler.cancelled.get()).as("the task is cancelled on close").isEqualTo(1);
      int runs = scheduler.runs.get();
      age("fresh", Duration.ofHours(1));
      Thread.sleep(3000); // longer than the period (expiry / 4)
      assertThat(scheduler.runs.get()).as("no run after close").isEqualTo(runs);
      assertThat(Files.exists(root.resolve("ingest").resolve(Layout.sha256Hex("fresh"))))
          .isTrue();
    }
  }

  @Test
  void withoutASchedulerTheStoreReapsWhenItOpens() throws Exception {
    ContentConfig config = ContentConfig.ofRoot(root.toString())
        .withIngestExpiry(Duration.ofMinutes(5));
    try (LocalContentStore store = Stores.open(root, config)) {
      try (ContentWriter w = store.writer("old", OptionalLong.empty())) {
        w.write(new byte[10], 0, 10);
      }
    }
    age("old", Duration.ofHours(1));
    try (LocalContentStore store = Stores.open(root, config)) {
      assertThat(store.statuses(io.stowage.api.content.ContentFilter.ALL)).isEmpty();
    }
  }
}
