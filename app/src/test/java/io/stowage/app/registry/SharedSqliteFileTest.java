package io.stowage.app.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate processes on one SQLite file (the CLI while a server runs): WAL and the busy
 * timeout let them take turns, and read-modify-write updates from all of them add up.
 */
class SharedSqliteFileTest {
  @TempDir Path dir;

  private static Process worker(Path file, String id, int n, String name) throws Exception {
    return new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        RegistryWorker.class.getName(), file.toString(), id, String.valueOf(n), name)
        .redirectErrorStream(true).start();
  }

  private static void awaitDone(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("done");
  }

  @Test
  void aProcessMigratesOnlyWhileNoOtherDoes() throws Exception {
    Path file = dir.resolve("fresh/registry.db");
    Files.createDirectories(file.getParent());
    Path lockFile = Path.of(file + ".migration-lock");
    Process p;
    try (FileChannel channel = FileChannel.open(
            lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      // As if this process were migrating: the other one waits for it.
      p = worker(file, "-", 0, "late");
      assertThat(p.waitFor(8, TimeUnit.SECONDS)).as("worker waited for the lock").isFalse();
      assertThat(lock.isValid()).isTrue();
    }
    awaitDone(p);
    RegistrySettings settings = RegistrySettings.sqlite(file);
    assertThat(MigrationHistory.read(settings)).containsExactlyElementsOf(MigrationHistory.allApplied());
    try (ImageRegistry registry = ImageRegistry.open(settings)) {
      assertThat(registry.list(ImageQuery.builder(Scope.ADMIN).build()).images())
          .extracting(r -> r.name().orElseThrow()).containsExactly("late");
    }
  }

  @Test
  void updatesFromSeveralProcessesAllLand() throws Exception {
    Path file = dir.resolve("registry.db");
    int perProcess = 15;
    try (ImageRegistry registry = ImageRegistry.open(RegistrySettings.sqlite(file))) {
      ImageRecord image = registry.create(
          NewImage.builder().properties(Map.of("count", "0")).build());
      List<Process> workers = new ArrayList<>();
      for (String name : List.of("one", "two")) {
        workers.add(worker(file, image.id(), perProcess, name));
      }
      for (int i = 0; i < perProcess; i++) {
        registry.update(image.id(), r -> r.withProperty("count",
            String.valueOf(Integer.parseInt(r.properties().get("count")) + 1)));
        registry.addTag(image.id(), "main-" + i);
      }
      for (Process p : workers) {
        awaitDone(p);
      }
      ImageRecord after = registry.find(image.id()).orElseThrow();
      assertThat(after.properties()).containsEntry("count", String.valueOf(3 * perProcess));
      assertThat(after.tags()).hasSize(3 * perProcess);
    }
  }
}
