package io.stowage.app.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.app.Host;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.registry.ImageRegistry;
import io.stowage.app.registry.ImageStatus;
import io.stowage.app.registry.NewImage;
import io.stowage.app.registry.RegistrySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which uploads in {@code saving} count as dead, on a real SQLite registry and the host's
 * stores: a stale lease of another host, a lease of a process of this host that is gone, and an
 * upload without a lease whose image has not changed for the stale time. Fresh leases of other
 * hosts are left alone. Time passes by a shifted {@link Clock}.
 */
class UploadRecoveryTest {
  static final Path PLUGINS =
      Path.of(System.getProperty("stowage.test.plugins", "target/stowage/plugins")).toAbsolutePath();
  static final UploadLeaseSettings SETTINGS = new UploadLeaseSettings(Duration.ofMinutes(5));

  @TempDir Path home;
  Host host;
  ImageRegistry registry;

  @BeforeEach
  void open() throws Exception {
    assumeTrue(Files.isDirectory(PLUGINS), "no plugins built in " + PLUGINS);
    Path config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        stores:
          local: { type: filesystem, datadir: images }
        """.formatted(PLUGINS));
    ConfigLoader loader = new ConfigLoader();
    host = Host.boot(loader.load(config), loader);
    registry = ImageRegistry.open(RegistrySettings.sqlite(home.resolve("registry.db")));
  }

  @AfterEach
  void close() {
    registry.close();
    host.close();
  }

  private UploadRecovery after(Duration elapsed) {
    return new UploadRecovery(registry, host.imageStorage(), SETTINGS,
        Clock.offset(Clock.systemUTC(), elapsed));
  }

  private String saving(Optional<String> holder) {
    String id = registry.create(NewImage.builder().name("u").build()).id();
    assertThat(registry.transition(id, ImageStatus.QUEUED, ImageStatus.SAVING)).isTrue();
    holder.ifPresent(h -> registry.leases().take(id, h, Optional.of("local")));
    return id;
  }

  private ImageStatus status(String id) {
    return registry.find(id).orElseThrow().status();
  }

  @Test
  void anotherHostsLeaseIsDeadOnlyOnceStale() {
    String id = saving(Optional.of("another-host/42/1700000000000"));
    assertThat(after(Duration.ZERO).sweep()).isEmpty();
    assertThat(after(Duration.ofMinutes(4)).sweep()).isEmpty();
    assertThat(status(id)).isEqualTo(ImageStatus.SAVING);
    assertThat(after(Duration.ofMinutes(6)).sweep()).containsExactly(id);
    assertThat(status(id)).isEqualTo(ImageStatus.QUEUED);
    assertThat(registry.leases().saving()).isEmpty();
  }

  @Test
  void aGoneProcessOfThisHostIsDeadAtOnce() throws Exception {
    // A process that lives until its start time is read (`true` may be gone before that, on a
    // busy machine, and /proc then has nothing to say), then is killed.
    Process gone = new ProcessBuilder("sleep", "60").start();
    long start = gone.toHandle().info().startInstant().orElseThrow().toEpochMilli();
    gone.destroyForcibly();
    gone.waitFor();
    String host = UploadRecovery.HOLDER.split("/")[0];
    String dead = saving(Optional.of(host + "/" + gone.pid() + "/" + start));
    // This very process, started at another time: a reused pid, so also gone.
    String reused = saving(Optional.of(host + "/" + ProcessHandle.current().pid() + "/1"));
    // This process as it is (another service instance in it): alive, left alone.
    String alive = saving(Optional.of(UploadRecovery.HOLDER));
    assertThat(after(Duration.ZERO).sweep()).containsExactlyInAnyOrder(dead, reused);
    assertThat(status(alive)).isEqualTo(ImageStatus.SAVING);
  }

  @Test
  void anUploadWithoutALeaseIsJudgedByTheImagesAge() {
    String id = saving(Optional.empty());
    assertThat(after(Duration.ofMinutes(1)).sweep()).isEmpty();
    assertThat(after(Duration.ofMinutes(6)).requeueIfDead(id)).isTrue();
    assertThat(status(id)).isEqualTo(ImageStatus.QUEUED);
  }

  @Test
  void aRenewedLeaseIsNotDead() throws Exception {
    String id = saving(Optional.of("another-host/42/1700000000000"));
    Thread.sleep(3000);
    registry.leases().renewAll("another-host/42/1700000000000");
    // A clock 5 min - 1.5 s ahead: stale against the first take (3 s earlier), fresh against the renewal.
    assertThat(after(Duration.ofMinutes(5).minusMillis(1500)).sweep()).isEmpty();
    assertThat(status(id)).isEqualTo(ImageStatus.SAVING);
  }
}
