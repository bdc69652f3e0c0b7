package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.ByteRange;
import io.stowage.api.cache.ExpectedImage;
import io.stowage.app.cache.ImageCache;
import io.stowage.app.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stowage cache list|queue|rm|clear|prune|clean}, with the real xattr plugin jar. */
class CacheCommandTest {
  @TempDir Path home;
  private Path config;

  @BeforeEach
  void configure() throws IOException {
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: %s }
        cache: { driver: xattr, dir: cache, max_size: 1MiB }
        """.formatted(DistributionTest.PLUGINS.toAbsolutePath()));
  }

  /** Caches {@code id} with {@code size} bytes through the host's read-through path. */
  void cache(String id, int size) throws IOException {
    ConfigLoader loader = new ConfigLoader();
    try (Host host = Host.boot(loader.load(config), loader);
        ImageCache cache = ImageCache.open(host).orElseThrow()) {
      ImageCacheTest.readAll(cache.open(id, ExpectedImage.unknown(), ByteRange.ALL,
          new ImageCacheTest().store(ImageCacheTest.bytes(size, id.hashCode()))));
    }
  }

  @Test
  void listShowsGlanceFieldsAndTheQueue() throws IOException {
    cache("img-a", 1000);
    CliRun queued = CliRun.run(config, "cache", "queue", "q-1", "q-2", "img-a", "--json");
    assertThat(queued.exitCode()).as(queued.stderr()).isZero();
    assertThat(queued.json().get("q-1").asBoolean()).isTrue();
    assertThat(queued.json().get("img-a").asBoolean()).as("queue of a cached image").isFalse();
    CliRun list = CliRun.run(config, "cache", "list", "--json");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    var image = list.json().get("cached_images").get(0);
    assertThat(image.get("image_id").asText()).isEqualTo("img-a");
    assertThat(image.get("size").asLong()).isEqualTo(1000);
    assertThat(image.get("hits").asLong()).isZero();
    assertThat(image.get("last_accessed").asDouble()).isPositive();
    assertThat(image.get("last_modified").asDouble()).isPositive();
    assertThat(list.json().get("queued_images").toString()).isEqualTo("[\"q-1\",\"q-2\"]");
    CliRun text = CliRun.run(config, "cache", "list");
    assertThat(text.out()).contains("img-a 1000 bytes, 0 hits").contains("q-2 queued")
        .contains("1 cached");
  }

  @Test
  void rmClearPruneAndClean() throws IOException {
    cache("a", 400_000);
    cache("b", 400_000);
    cache("c", 400_000);
    CliRun.run(config, "cache", "queue", "q");
    CliRun rm = CliRun.run(config, "cache", "rm", "b", "q", "--json");
    assertThat(rm.exitCode()).as(rm.stderr()).isZero();
    assertThat(rm.json().get("b").get("deleted").asBoolean()).isTrue();
    assertThat(rm.json().get("q").get("dequeued").asBoolean()).isTrue();
    CliRun prune = CliRun.run(config, "cache", "prune", "--json");
    assertThat(prune.exitCode()).as(prune.stderr()).isZero();
    assertThat(prune.json().get("pruned_images").asInt()).as("pruned to 1 MiB").isZero();
    prune = CliRun.run(config, "cache", "prune", "--max-size", "500KiB", "--json");
    assertThat(prune.json().get("pruned_images").asInt()).isEqualTo(1);
    assertThat(prune.json().get("size").asLong()).isEqualTo(400_000);
    CliRun.run(config, "cache", "queue", "q2");
    CliRun clear = CliRun.run(config, "cache", "clear", "--target", "queue", "--json");
    assertThat(clear.json().get("queued_images_deleted").asInt()).isEqualTo(1);
    assertThat(clear.json().get("cached_images_deleted").asInt()).isZero();
    clear = CliRun.run(config, "cache", "clear", "--json");
    assertThat(clear.json().get("cached_images_deleted").asInt()).isEqualTo(1);
    CliRun clean = CliRun.run(config, "cache", "clean", "--json");
    assertThat(clean.exitCode()).as(clean.stderr()).isZero();
    assertThat(clean.json().get("removed").asInt()).isZero();
  }

  @Test
  void mistakesAreOneLineErrors() throws IOException {
    CliRun badTarget = CliRun.run(config, "cache", "clear", "--target", "all");
    assertThat(badTarget.exitCode()).isEqualTo(2);
    assertThat(badTarget.stderr()).contains("--target must be cache, queue or both");
    CliRun badId = CliRun.run(config, "cache", "queue", "a/x");
    assertThat(badId.exitCode()).isEqualTo(1);
    assertThat(badId.stderr().strip()).doesNotContain("\n").contains("forbidden character");
    Path none = Files.writeString(home.resolve("none.yaml"), "plugins: { dir: %s }\n"
        .formatted(DistributionTest.PLUGINS.toAbsolutePath()));
    CliRun noCache = CliRun.run(none, "cache", "list");
    assertThat(noCache.exitCode()).isEqualTo(2);
    assertThat(noCache.stderr()).contains("no image cache is configured");
    Path unknown = Files.writeString(home.resolve("unknown.yaml"), """
        plugins: { dir: %s }
        cache: { driver: sqlite, dir: cache }
        """.formatted(DistributionTest.PLUGINS.toAbsolutePath()));
    CliRun badDriver = CliRun.run(unknown, "cache", "list");
    assertThat(badDriver.exitCode()).isEqualTo(1);
    assertThat(badDriver.stderr().strip())
        .isEqualTo("stowage: cache.driver: no started plugin provides cache driver \"sqlite\" (available: xattr)");
    Path badKey = Files.writeString(home.resolve("badkey.yaml"), """
        plugins: { dir: %s }
        cache: { driver: xattr, dir: cache, colour: blue }
        """.formatted(DistributionTest.PLUGINS.toAbsolutePath()));
    CliRun unknownKey = CliRun.run(badKey, "cache", "list");
    assertThat(unknownKey.exitCode()).isEqualTo(1);
    assertThat(unknownKey.stderr()).contains("cache.colour").doesNotContain("Exception");
  }
}
