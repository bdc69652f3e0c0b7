package io.stowage.app.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

  @Test
  void updatesFromSeveralProcessesAllLand() throws Exception {
    Path file = dir.resolve("registry.db");
    int perProcess = 15;
    try (ImageRegistry registry = ImageRegistry.open(RegistrySettings.sqlite(file))) {
      ImageRecord image = registry.create(
          NewImage.builder().properties(Map.of("count", "0")).build());
      List<Process> workers = new ArrayList<>();
      for (String name : List.of("one", "two")) {
        workers.add(new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            RegistryWorker.class.getName(), file.toString(), image.id(),
            String.valueOf(perProcess), name)
            .redirectErrorStream(true).start());
      }
      for (int i = 0; i < perProcess; i++) {
        registry.update(image.id(), r -> r.withProperty("count",
            String.valueOf(Integer.parseInt(r.properties().get("count")) + 1)));
        registry.addTag(image.id(), "main-" + i);
      }
      for (Process p : workers) {
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("done");
      }
      ImageRecord after = registry.find(image.id()).orElseThrow();
      assertThat(after.properties()).containsEntry("count", String.valueOf(3 * perProcess));
      assertThat(after.tags()).hasSize(3 * perProcess);
    }
  }
}
