package io.stowage.filesystem;


import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.DataSize;
import io.stowage.api.InstanceContext;
import io.stowage.config.ConfigBinder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path tmp;

  /** Binds as the host does (store-config's ConfigBinder is the host's binder). */
  static FilesystemConfig bind(String json) throws IOException {
    return new ConfigBinder().bind(json, FilesystemConfig.class);
  }

  private Settings settings(String json) throws IOException {
    return Settings.from(bind(json), new InstanceContext("fs", tmp));
  }

  private BadStoreConfigurationException refused(String json) {
    return (BadStoreConfigurationException)
        assertThatThrownBy(() -> settings(json))
            .isInstanceOf(BadStoreConfigurationException.class)
            .actual();
  }

  @Test
  void bindsEveryKeyAndResolvesRelativePaths() throws IOException {
    FilesystemConfig c =
        bind(
            "{\"datadirs\": [\"a:100\", \"/abs/b:5\", \"c\"], \"file_perm\": 640,"
                + " \"chunk_size\": \"1MiB\", \"thin_provisioning\": true, \"durable\": false}");
    assertThat(c.chunkSize()).isEqualTo(DataSize.parse("1MiB"));
    assertThat(c.durable()).isFalse();
    Settings s = Settings.from(c, new InstanceContext("fs", tmp));
    assertThat(s.datadirs())
        .containsExactly(
            new Datadir(tmp.resolve("a"), 100, "datadirs[0]"),
            new Datadir(Path.of("/abs/b"), 5, "datadirs[1]"),
            new Datadir(tmp.resolve("c"), 0, "datadirs[2]"));
    assertThat(s.filePerm().mode()).isEqualTo(0640);
    assertThat(s.chunkSize()).isEqualTo(1 << 20);
    assertThat(s.thinProvisioning()).isTrue();
    assertThat(s.durable()).isFalse();
  }

  @Test
  void defaults() throws IOException {
    Settings s = settings("{\"datadir\": \"images\"}");
    assertThat(s.datadirs()).containsExactly(new Datadir(tmp.resolve("images"), 0, "datadir"));
    assertThat(s.chunkSize()).isEqualTo(64 * 1024);
    assertThat(s.durable()).isTrue();
    assertThat(s.thinProvisioning()).isFalse();
    assertThat(s.filePerm().filePermissions()).isEmpty();
    assertThat(s.metadata()).isEmpty();
    assertThat(bind("{\"datadir\": \"x\", \"chunk_size\": 131072}").chunkSize().bytes())
        .isEqualTo(131072);
  }

  @Test
  void unknownKeysAreRefusedByTheBinding() {
    assertThatThrownBy(() -> bind("{\"datadir\": \"x\", \"filesystem_store_datadir\": \"y\"}"))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageStartingWith("filesystem_store_datadir: unknown key");
  }

  @Test
  void bothOrNeitherDatadirOptions() {
    assertThat(refused("{\"datadir\": \"a\", \"datadirs\": [\"b:1\"]}").path())
        .isEqualTo("datadir");
    BadStoreConfigurationException neither = refused("{}");
    assertThat(neither.path()).isEmpty();
    assertThat(neither.reason()).contains("datadir or datadirs");
    assertThat(refused("{\"datadirs\": []}").reason()).contains("datadir or datadirs");
  }

  @Test
  void sameFolderTwiceNamesTheSecondEntry() {
    BadStoreConfigurationException e = refused("{\"datadirs\": [\"a:1\", \"b:2\", \"./a/:3\"]}");
    assertThat(e.path()).isEqualTo("datadirs[2]");
    assertThat(e.reason()).contains("datadirs[0]");
    assertThat(e.under("stores.fast").getMessage()).startsWith("stores.fast.datadirs[2]: ");
  }

  @Test
  void priorityMustBeAWholeNumber() {
    BadStoreConfigurationException e = refused("{\"datadirs\": [\"a:1\", \"b:x\"]}");
    assertThat(e.path()).isEqualTo("datadirs[1]");
    assertThat(e.reason()).isEqualTo("priority \"x\" is not a whole number");
    assertThat(refused("{\"datadirs\": [\"a:-1\"]}").path()).isEqualTo("datadirs[0]");
    assertThat(refused("{\"datadirs\": [\"a:1.5\"]}").path()).isEqualTo("datadirs[0]");
    assertThat(refused("{\"datadirs\": [\"a:99999999999999999999\"]}").reason())
        .contains("too large");
  }

  @Test
  void emptyPathsAreRefused() {
    assertThat(refused("{\"datadirs\": [\"a:1\", \":5\"]}").path()).isEqualTo("datadirs[1]");
    assertThat(refused("{\"datadirs\": [\"a:1\", \"  \"]}").path()).isEqualTo("datadirs[1]");
    assertThat(refused("{\"datadirs\": [null]}").path()).isEqualTo("datadirs[0]");
  }

  @Test
  void priorityIsOptional() throws IOException {
    assertThat(settings("{\"datadirs\": [\"a\", \"b:\"]}").datadirs())
        .extracting(Datadir::priority)
        .containsExactly(0L, 0L);
  }

  @Test
  void chunkSizeBounds() {
    assertThat(refused("{\"datadir\": \"a\", \"chunk_size\": 100}").path()).isEqualTo("chunk_size");
    assertThat(refused("{\"datadir\": \"a\", \"chunk_size\": \"1GiB\"}").path())
        .isEqualTo("chunk_size");
  }

  @Test
  void filePermMustBeOctalAndKeepOwnerRead() throws IOException {
    assertThat(refused("{\"datadir\": \"a\", \"file_perm\": 648}").path()).isEqualTo("file_perm");
    assertThat(refused("{\"datadir\": \"a\", \"file_perm\": 7777}").path()).isEqualTo("file_perm");
    assertThat(refused("{\"datadir\": \"a\", \"file_perm\": -1}").path()).isEqualTo("file_perm");
    assertThat(refused("{\"datadir\": \"a\", \"file_perm\": 240}").reason())
        .contains("owner read");
    assertThat(settings("{\"datadir\": \"a\", \"file_perm\": 400}").filePerm().mode())
        .isEqualTo(0400);
  }

  @Test
  void aDatadirThatIsAFileIsRefusedAtStart() throws IOException {
    Files.writeString(tmp.resolve("plain"), "x");
    assertThatThrownBy(
            () -> TestStores.open(FilesystemConfig.ofDatadirs(List.of("ok:1", "plain:2")), tmp))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageStartingWith("datadirs[1]: ");
  }

  @Test
  void missingFoldersAreCreated() throws IOException {
    TestStores.open(FilesystemConfig.ofDatadirs(List.of("x/y/z:1", "w:2")), tmp).close();
    assertThat(tmp.resolve("x/y/z")).isDirectory();
    assertThat(tmp.resolve("w")).isDirectory();
    // A second start over existing folders (another creator got there first) is fine.
    try (var store = TestStores.open(FilesystemConfig.ofDatadirs(List.of("x/y/z:1")), tmp)) {
      assertThat(store.id()).isEqualTo("fs");
    }
  }

  @Test
  void concurrentStartsCreatingTheSameFoldersAllSucceed() throws Exception {
    Path deep = tmp.resolve("p/q/r/s");
    int n = 8;
    CyclicBarrier barrier = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<String>> starts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        starts.add(
            pool.submit(
                () -> {
                  barrier.await();
                  try (var store = TestStores.open(deep)) {
                    return store.id();
                  }
                }));
      }
      for (var start : starts) {
        assertThat(start.get()).isEqualTo("fs");
      }
      assertThat(deep).isDirectory();
    } finally {
      pool.shutdownNow();
    }
  }
}
