package io.stowage.filesystem;


import io.stowage.api.store.AddResult;
import io.stowage.api.store.Store;
import static io.stowage.filesystem.TestStores.entries;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed in the middle of an add leaves nothing under the final name. */
class CrashTest {
  @TempDir Path tmp;

  @Test
  void killedMidWriteLeavesOnlyATempThatTheNextStartRemoves() throws Exception {
    Path dir = tmp.resolve("images");
    Process child = ChildJvm.start(List.of(), null, "add-endless", dir.toString(), "img");
    Path temp;
    try {
      temp = awaitTempOfAtLeast(dir, 32 << 20, child);
      // A store starting meanwhile must not take the file from under the live writer.
      TestStores.open(dir).close();
      assertThat(temp).exists();
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(dir.resolve("img")).doesNotExist();
    assertThat(entries(dir)).containsExactly(temp.getFileName().toString());

    try (Store store = TestStores.open(dir)) {
      assertThat(entries(dir)).as("leftovers removed at start").isEmpty();
      byte[] data = TestStores.random(1 << 20, 5);
      AddResult r = TestStores.add(store, "img", data);
      assertThat(Files.readAllBytes(dir.resolve("img"))).isEqualTo(data);
      assertThat(r.size()).isEqualTo(data.length);
    }
  }

  private static Path awaitTempOfAtLeast(Path dir, long size, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Optional<Path> temp = tempIn(dir);
      if (temp.isPresent() && Files.size(temp.get()) >= size) {
        return temp.get();
      }
      if (!child.isAlive()) {
        throw new AssertionError(
            "child ended: " + new String(child.getInputStream().readAllBytes())
                + new String(child.getErrorStream().readAllBytes()));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the child never wrote " + size + " bytes");
  }

  // The add's temporary file, not the one the store's start writes and removes to probe the folder.
  private static Optional<Path> tempIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".img."))
          .filter(p -> p.getFileName().toString().endsWith(".tmp")).findFirst();
    }
  }
}
