package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.PluginFailureException;
import io.stowage.api.StorageFullException;
import io.stowage.api.UnavailableException;
import io.stowage.api.UnsupportedStoreOperationException;
import io.stowage.api.store.Location;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.service.Failures;
import io.stowage.app.service.ImageStorage;
import io.stowage.app.service.PutRequest;
import io.stowage.app.service.StoreStatus;
import io.stowage.app.service.StoredImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service layer against real plugin jars: routing, capability checks, format and quota
 * refusals while streaming, the store lifecycle, the plugin boundary and Guice wiring.
 */
class ImageStorageTest {
  static final Instant NOW = Instant.parse("2026-11-30T05:00:00Z");

  @TempDir static Path home;
  static Path config;

  @BeforeAll
  static void plugins() throws IOException {
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    // The toy format's inspector insists on running in its plugin's context class loader.
    String toy = UploadInspectionTest.TOY.replace(
        "public void update(ByteBuffer bytes) {",
        "public void update(ByteBuffer bytes) { if (Thread.currentThread().getContextClassLoader()"
            + " != ToyFormat.class.getClassLoader()) throw new IllegalStateException(\"wrong loader\");");
    PluginJar.id("toy").source("toy.ToyFormat", toy, true).writeTo(plugins);
    PluginJar.id("probe")
        .source("probe.Greeting", ProbeStores.GREETING, false)
        .source("probe.ProbeModule", ProbeStores.MODULE, true)
        .source("probe.ProbeStores", ProbeStores.PROVIDER, true)
        .writeTo(plugins);
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: plugins }
        image: { size_cap: 1MiB }
        default_store: main
        stores:
          main: { type: probe, dir: data/main, capabilities: [read, write, delete, ranged_read], claims: true }
          quota: { type: probe, dir: data/quota, capabilities: [read, write], claims: true }
          ro: { type: probe, dir: data/ro, capabilities: [read], claims: true }
          whole: { type: probe, dir: data/whole, capabilities: [read, write], claims: true }
          mute: { type: probe, dir: data/mute, capabilities: [read, write, delete], claims: false }
          later: { type: probe, dir: data/later, capabilities: [read, write], claims: true, needs_dir: true }
          ticker: { type: probe, dir: data/ticker, capabilities: [read, write], claims: true }
        """);
  }

  static Host boot() {
    ConfigLoader loader = new ConfigLoader();
    return Host.boot(loader.load(config), loader, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static ByteArrayInputStream bytes(int n) {
    return new ByteArrayInputStream(new byte[n]);
  }

  static ByteArrayInputStream toy(long virtualSize, int flag, int padding) {
    ByteBuffer b = ByteBuffer.allocate(17 + padding);
    b.put("TOYDISK!".getBytes()).putLong(virtualSize).put((byte) flag);
    return new ByteArrayInputStream(b.array());
  }

  @Test
  void putInspectsInThePluginsLoaderAndInjectsHostServicesAndModuleBindings() {
    try (Host host = boot()) {
      AtomicLong progress = new AtomicLong();
      StoredImage stored = host.imageStorage().put(PutRequest.of("t1", toy(1L << 30, 0, 1000))
          .withExpectedFormat("toy").withProgress((n, declared) -> progress.set(n)));
      assertThat(stored.storeId()).isEqualTo("main");
      assertThat(stored.disk().format()).isEqualTo("toy");
      assertThat(stored.disk().virtualSize()).isEqualTo(1L << 30);
      assertThat(stored.result().size()).isEqualTo(1017);
      assertThat(progress.get()).isEqualTo(1017);
      assertThat(stored.result().metadata())
          .containsEntry("greeting", "hello from the plugin's module")
          .containsEntry("at", NOW.toString());

      StoredImage raw = host.imageStorage().put(PutRequest.of("r1", bytes(4097)));
      assertThat(raw.disk().format()).isEqualTo("raw");
      assertThat(raw.disk().virtualSize()).isEqualTo(4097);
    }
  }

  @Test
  void dataOfAnotherFormatThanDeclaredIsRefusedAndNothingIsStored() {
    try (Host host = boot()) {
      ImageStorage storage = host.imageStorage();
      assertThatThrownBy(() -> storage.put(PutRequest.of("f1", toy(4096, 0, 10)).withExpectedFormat("raw")))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessage("the image is toy, not raw as declared; nothing was stored");
      assertThatThrownBy(() -> storage.put(PutRequest.of("f2", bytes(100)).withExpectedFormat("TOY")))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessage("the image is raw, not toy as declared; nothing was stored");
      // No plugin recognises qcow2 here: data of a known format is refused, raw data cannot be checked.
      assertThatThrownBy(() -> storage.put(PutRequest.of("f3", toy(4096, 0, 10)).withExpectedFormat("qcow2")))
          .isInstanceOf(InvalidImageDataException.class);
      assertThat(storage.put(PutRequest.of("f4", bytes(100)).withExpectedFormat("qcow2")).disk().format()).isEqualTo("raw");
      assertThat(storage.put(PutRequest.of("f5", bytes(100)).withExpectedFormat("ami")).disk().format()).isEqualTo("raw");
      assertThat(home.resolve("data/main/f1")).doesNotExist();
      assertThat(home.resolve("data/main/f2")).doesNotExist();
      assertThat(home.resolve("data/main/f3")).doesNotExist();
      assertThat(home.resolve("data/main/f4")).exists();

      assertThatThrownBy(() -> storage.put(PutRequest.of("u1", toy(4096, 1, 10))))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessage("the toy image is unsafe (parent_reference: toy disk has a parent); nothing was stored");
      assertThat(storage.put(PutRequest.of("u2", toy(4096, 1, 10)).withAllowUnsafe(true)).disk().safety())
          .extracting(f -> f.check()).containsExactly("parent_reference");
      assertThatThrownBy(() -> storage.put(PutRequest.of("u3", toy(4096, 2, 10)).withAllowUnsafe(true)))
          .as("damaged data is refused even when unsafe images are allowed")
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessageContaining("(corruption: toy header checksum mismatch)");
      assertThat(home.resolve("data/main/u1")).doesNotExist();
      assertThat(home.resolve("data/main/u3")).doesNotExist();
    }
  }

  @Test
  void theLimitIsEnforcedWhileStreamingAndNothingIsStored() {
    try (Host host = boot()) {
      ImageStorage storage = host.imageStorage();
      assertThatThrownBy(() -> storage.put(PutRequest.of("q1", bytes(100_000)).withStoreId("quota").withLimit(50_000)))
          .isInstanceOf(StorageFullException.class)
          .hasMessage("the image exceeds the 50000 bytes it may take (quota); nothing was stored");
      assertThat(home.resolve("data/quota/add-called")).as("refused while streaming").exists();
      assertThat(home.resolve("data/quota/q1")).doesNotExist();
      assertThatThrownBy(() -> storage.put(PutRequest.of("q2", bytes(100_000)).withStoreId("quota")
              .withLimit(50_000).withDeclaredSize(100_000)))
          .isInstanceOf(StorageFullException.class);
      assertThat(storage.put(PutRequest.of("q3", bytes(50_000)).withStoreId("quota").withLimit(50_000))
          .result().size()).isEqualTo(50_000);
      assertThatThrownBy(() -> storage.put(PutRequest.of("cap", bytes((1 << 20) + 1)).withStoreId("quota")))
          .hasMessage("the image exceeds the size cap of 1048576 bytes; nothing was stored");
      assertThat(home.resolve("data/quota/cap")).doesNotExist();
    }
  }

  @Test
  void aStoreIsNeverAskedForWhatItDoesNotDeclare() {
    try (Host host = boot()) {
      ImageStorage storage = host.imageStorage();
      assertThatThrownBy(() -> storage.put(PutRequest.of("x", bytes(10)).withStoreId("ro")))
          .isInstanceOf(UnsupportedStoreOperationException.class)
          .hasMessage("store \"ro\" cannot store images (it lacks write)");
      assertThat(home.resolve("data/ro/add-called")).doesNotExist();

      Location whole = storage.put(PutRequest.of("w", new ByteArrayInputStream("0123456789".getBytes()))
          .withStoreId("whole")).result().location();
      assertThatThrownBy(() -> storage.open(whole, ByteRange.of(2, 3)))
          .isInstanceOf(UnsupportedStoreOperationException.class)
          .hasMessage("store \"whole\" cannot read ranges (it lacks ranged_read)");
      assertThatThrownBy(() -> storage.delete(whole))
          .hasMessage("store \"whole\" cannot delete images (it lacks delete)");
      try (ImageData data = storage.open(whole, ByteRange.ALL)) {
        assertThat(data.size()).isEqualTo(10);
      }
      assertThatThrownBy(() -> storage.put(PutRequest.of("y", bytes(1)).withStoreId("nosuch")))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageStartingWith("no store \"nosuch\" is configured");
    }
  }

  @Test
  void routingFailsClosedForAStoreThatClaimsNothing() {
    try (Host host = boot()) {
      ImageStorage storage = host.imageStorage();
      Location written = storage.put(PutRequest.of("m", bytes(10)).withStoreId("mute")).result().location();
      assertThat(written.storeId()).contains("mute");
      assertThatThrownBy(() -> storage.size(written))
          .isInstanceOf(BadLocationException.class)
          .hasMessage("store \"mute\" does not own probe://mute/m");
      assertThatThrownBy(() -> storage.delete(Location.parse("probe://mute/m")))
          .isInstanceOf(BadLocationException.class)
          .hasMessage("no probe store owns probe://mute/m");
      assertThat(home.resolve("data/mute/m")).exists();
    }
  }

  @Test
  void aStoreThatFailedToBuildIsTriedAgainOnItsNextUse() throws IOException {
    try (Host host = boot()) {
      ImageStorage storage = host.imageStorage();
      StoreStatus before = storage.stores().stream().filter(s -> s.id().equals("later")).findFirst().orElseThrow();
      assertThat(before.available()).isFalse();
      assertThat(before.problem()).contains("stores.later.dir: " + home.resolve("data/later") + " does not exist");
      assertThatThrownBy(() -> storage.put(PutRequest.of("l", bytes(10)).withStoreId("later")))
          .isInstanceOf(UnavailableException.class)
          .hasMessage("store \"later\" is unavailable: stores.later.dir: " + home.resolve("data/later") + " does not exist");
      Files.createDirectories(home.resolve("data/later"));
      assertThat(storage.put(PutRequest.of("l", bytes(10)).withStoreId("later")).storeId()).isEqualTo("later");
      assertThat(storage.stores().stream().filter(s -> s.id().equals("later")).findFirst().orElseThrow().available()).isTrue();
    }
  }

  @Test
  void anUnexpectedFailureInAPluginNamesThePlugin() {
    try (Host host = boot()) {
      ImageStorage storage = host.imageStorage();
      storage.put(PutRequest.of("npe", bytes(1)));
      assertThatThrownBy(() -> storage.open(Location.parse("probe://main/npe"), ByteRange.ALL))
          .isInstanceOf(PluginFailureException.class)
          .hasMessageStartingWith("plugin probe failed in Store.get: NullPointerException")
          .hasCauseInstanceOf(NullPointerException.class)
          .satisfies(e -> assertThat(Failures.httpStatus(e)).isEqualTo(500))
          .satisfies(e -> assertThat(Failures.message(e)).startsWith("plugin probe failed"));
    }
  }

  @Test
  void closeStopsThePluginsBackgroundWorkAndClosesTheStoresThatWereBuilt() throws Exception {
    Path ticks = home.resolve("life/ticker/ticks");
    Path life = Files.writeString(home.resolve("life.yaml"), """
        plugins: { dir: plugins }
        stores:
          ticker: { type: probe, dir: life/ticker, capabilities: [read, write], claims: true }
          idle: { type: probe, dir: life/idle, capabilities: [read, write], claims: true }
        """);
    ConfigLoader loader = new ConfigLoader();
    Host host = Host.boot(loader.load(life), loader);
    host.imageStorage().put(PutRequest.of("tick", bytes(1)).withStoreId("ticker"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while ((!Files.exists(ticks) || Files.size(ticks) < 3) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(Files.size(ticks)).as("the task ran").isGreaterThanOrEqualTo(3);
    host.close();
    long after = Files.size(ticks);
    Thread.sleep(200);
    assertThat(Files.size(ticks)).as("no tick after close").isEqualTo(after);
    assertThat(home.resolve("life/ticker/bad-loader")).as("tasks run in the plugin's loader").doesNotExist();
    assertThat(home.resolve("life/ticker/closed")).exists();
    assertThat(home.resolve("life/idle")).as("a store never used is never built").doesNotExist();
  }

  @Test
  void storesListsEveryStoreWithItsState() {
    try (Host host = boot()) {
      Map<String, StoreStatus> byId = new java.util.LinkedHashMap<>();
      host.imageStorage().stores().forEach(s -> byId.put(s.id(), s));
      assertThat(byId.keySet()).containsExactly("main", "quota", "ro", "whole", "mute", "later", "ticker");
      assertThat(byId.get("ro").capabilities()).containsExactly(io.stowage.api.store.Capability.READ);
      assertThat(byId.get("main").schemes()).containsExactly("probe");
      assertThat(host.imageStorage().defaultStoreId()).isEqualTo("main");
    }
  }
}
