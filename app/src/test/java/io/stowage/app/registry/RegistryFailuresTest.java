package io.stowage.app.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.StorageFullException;
import io.stowage.api.StowageException;
import io.stowage.api.UnavailableException;
import io.stowage.api.WriteDeniedException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the registry says when its database is unusable: one line, the right exception. */
class RegistryFailuresTest {
  @TempDir Path dir;

  @Test
  void aUrlOfAnotherDatabaseIsAConfigurationError() {
    assertThatThrownBy(() -> new RegistrySettings(
        "jdbc:mysql://db/x", Optional.empty(), Optional.empty(), 4))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageContaining("registry.url")
        .hasMessageContaining("jdbc:sqlite:FILE or jdbc:postgresql://");
    assertThatThrownBy(() -> new RegistrySettings(
        "jdbc:sqlite::memory:", Optional.empty(), Optional.empty(), 4))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageContaining("must name a database file");
    assertThatThrownBy(() -> new RegistrySettings(
        "jdbc:sqlite:/x.db", Optional.empty(), Optional.empty(), 0))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageContaining("max_pool_size");
  }

  @Test
  void aFileThatIsNotADatabaseIsNamed() throws IOException {
    Path file = dir.resolve("registry.db");
    Files.writeString(file, "this is not a database, but it is long enough to look like one. "
        .repeat(100));
    assertOneLine(() -> ImageRegistry.open(RegistrySettings.sqlite(file)),
        UnavailableException.class, file + " is not a valid SQLite database");
    assertThat(Files.readString(file)).startsWith("this is not a database");
  }

  @Test
  void aFolderThatCannotBeCreatedIsNamed() throws IOException {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    assertOneLine(() -> ImageRegistry.open(RegistrySettings.sqlite(blocker.resolve("r.db"))),
        UnavailableException.class, "cannot create the folder " + blocker
            + " for the registry database jdbc:sqlite:" + blocker.resolve("r.db") + ": "
            + blocker + " exists and is not a folder");
  }

  @Test
  void anUnreachableServerIsNamed() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/registry";
    assertOneLine(() -> ImageRegistry.open(
            new RegistrySettings(url, Optional.of("u"), Optional.of("secret"), 2)),
        UnavailableException.class, "cannot reach the registry database " + url);
  }

  @Test
  void aMissingServerDatabaseIsNamed() {
    PostgresCluster pg = PostgresCluster.get();
    String url = pg.url("no_such_db");
    assertOneLine(() -> ImageRegistry.open(
            new RegistrySettings(url, Optional.of("stowage"), Optional.empty(), 2)),
        UnavailableException.class, "registry database " + url + " does not exist");
  }

  @Test
  void aReadOnlyDatabaseRefusesWritesWithAClearMessage() throws Exception {
    Path mount = tmpfs("1m");
    try {
      Path file = mount.resolve("registry.db");
      try (ImageRegistry r = ImageRegistry.open(RegistrySettings.sqlite(file))) {
        r.create(NewImage.builder().id("kept").build());
      }
      sh("mount", "-o", "remount,ro", mount.toString());
      StowageException e = catchStowage(() -> {
        try (ImageRegistry r = ImageRegistry.open(RegistrySettings.sqlite(file))) {
          r.create(NewImage.builder().id("new").build());
        }
      });
      assertThat(e).isInstanceOf(WriteDeniedException.class);
      assertThat(e.getMessage()).isEqualTo("registry database jdbc:sqlite:" + file
          + " is read-only (the file cannot be written)");
      sh("mount", "-o", "remount,rw", mount.toString());
      try (ImageRegistry r = ImageRegistry.open(RegistrySettings.sqlite(file))) {
        assertThat(r.find("kept")).isPresent();
        assertThat(r.find("new")).isEmpty();
      }
    } finally {
      sh("umount", mount.toString());
    }
  }

  @Test
  void aFullDiskIsStorageFullAndLosesNothing() throws Exception {
    Path mount = tmpfs("2m");
    try {
      Path file = mount.resolve("registry.db");
      try (ImageRegistry r = ImageRegistry.open(RegistrySettings.sqlite(file))) {
        r.create(NewImage.builder().id("kept").properties(Map.of("k", "v")).build());
        fill(mount.resolve("filler"));
        String big = "x".repeat(60_000);
        StowageException e = catchStowage(() -> {
          for (int i = 0; i < 100; i++) {
            r.create(NewImage.builder().properties(Map.of("big", big)).build());
          }
        });
        assertThat(e).isInstanceOf(StorageFullException.class);
        assertThat(e.getMessage()).isEqualTo("registry database jdbc:sqlite:" + file
            + ": the disk is full");
        Files.delete(mount.resolve("filler"));
        assertThat(r.find("kept").orElseThrow().properties()).containsEntry("k", "v");
        r.create(NewImage.builder().id("after").build());
        assertThat(r.find("after")).isPresent();
      }
    } finally {
      sh("umount", mount.toString());
    }
  }

  private static void fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // no space left: that was the point
    }
  }

  private Path tmpfs(String size) throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("this test mounts a tmpfs and needs root (CI runs as root)");
      }
      Assumptions.abort("mounting a small tmpfs needs root");
    }
    Path mount = Files.createDirectory(dir.resolve("mnt"));
    sh("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mount.toString());
    return mount;
  }

  private static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  interface Action {
    void run() throws Exception;
  }

  private static StowageException catchStowage(Action action) throws Exception {
    try {
      action.run();
    } catch (StowageException e) {
      return e;
    }
    throw new AssertionError("no StowageException");
  }

  private static void assertOneLine(
      Action action, Class<? extends StowageException> type, String expected) {
    List<StowageException> caught = new ArrayList<>();
    try {
      action.run();
    } catch (StowageException e) {
      caught.add(e);
    } catch (Exception e) {
      throw new AssertionError("not a StowageException", e);
    }
    assertThat(caught).as("failure").hasSize(1);
    StowageException e = caught.get(0);
    assertThat(e).isInstanceOf(type);
    assertThat(e.getMessage()).contains(expected).doesNotContain("\n").doesNotContain("secret");
  }
}
