package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real plugin jars in a folder: good ones start and serve, bad ones are reported and skipped. */
class PluginLoadingTest {
  @TempDir static Path home;
  static Path config;

  @BeforeAll
  static void plugins() throws IOException {
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    PluginJar.id("good").source("good.FolderStores",
        TestStores.folderStore("good", "FolderStores", "folder", "fold"), true).writeTo(plugins);
    Files.write(plugins.resolve("corrupt.jar"), randomBytes(4096));
    // A valid zip without a manifest (PF4J's descriptor finder throws NullPointerException on it).
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(plugins.resolve("nomanifest.jar")))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
      zip.write("not a plugin".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    PluginJar.id("newer").requires(">=99.0.0").source("newer.NewerStores",
        TestStores.folderStore("newer", "NewerStores", "newer", "new"), true).writeTo(plugins);
    PluginJar.id("throwing").source("throwing.Boom", """
        package throwing;
        @org.pf4j.Extension
        public final class Boom implements io.stowage.api.disk.DiskFormat {
          public Boom() { throw new IllegalStateException("boom in constructor"); }
          public String name() { return "boom"; }
          public int probeLength() { return 1; }
          public boolean probe(java.nio.ByteBuffer b) { return false; }
          public io.stowage.api.disk.DiskInfo inspect(java.nio.channels.SeekableByteChannel c) { return null; }
          public io.stowage.api.disk.StreamInspector streamInspector() { return null; }
        }
        """, true).writeTo(plugins);
    PluginJar.id("refusing").source("refusing.Refuses", """
        package refusing;
        @org.pf4j.Extension
        public final class Refuses implements io.stowage.api.store.StoreProvider<Refuses.Config> {
          public record Config() {}
          public String type() { return "refusing"; }
          public Class<Config> configType() { return Config.class; }
          public io.stowage.api.store.Store create(Config c, io.stowage.api.InstanceContext x) {
            throw new IllegalStateException("no way");
          }
        }
        """, true).writeTo(plugins);
    // A careless plugin that bundles its own copy of the SPI: the host's copy must still win.
    PluginJar.id("bundler").source("bundler.BundledStores",
            TestStores.folderStore("bundler", "BundledStores", "bundled", "bund"), true)
        .entry("io/stowage/api/StoreProvider.class",
            io.stowage.api.store.StoreProvider.class.getResourceAsStream("StoreProvider.class").readAllBytes())
        .writeTo(plugins);
    config = home.resolve("conf/stowage.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, """
        plugins: { dir: ../plugins }
        default_store: a
        stores:
          a: { type: folder, dir: ../data/a }
          b: { type: folder, dir: ../data/b }
          bundled: { type: bundled, dir: ../data/c }
          refused: { type: refusing }
          newer: { type: newer, dir: ../data/n }
          missing: { type: nosuch }
          nodir: { type: folder }
          typo: { type: folder, dir: x, colour: red }
        """);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }

  private static JsonNode plugin(JsonNode list, String id) {
    for (JsonNode p : list) {
      if (p.get("id").asText().equals(id)) {
        return p;
      }
    }
    throw new AssertionError("no plugin " + id + " in " + list);
  }

  @Test
  void everyPluginIsReportedWithItsStateAndReason() {
    CliRun run = CliRun.run(config, "plugins", "--json");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    JsonNode list = run.json();
    assertThat(plugin(list, "good").get("state").asText()).isEqualTo("started");
    assertThat(plugin(list, "good").get("extensions").toString()).contains("good.FolderStores");
    assertThat(plugin(list, "good").has("error")).isFalse();

    assertThat(plugin(list, "corrupt.jar").get("state").asText()).isEqualTo("failed");
    assertThat(plugin(list, "corrupt.jar").get("error").asText()).startsWith("cannot load corrupt.jar");
    assertThat(plugin(list, "nomanifest.jar").get("state").asText()).isEqualTo("failed");
    assertThat(plugin(list, "nomanifest.jar").get("error").asText()).isEqualTo(
        "cannot load nomanifest.jar: it has no readable plugin descriptor (a META-INF/MANIFEST.MF with Plugin-Id)");

    assertThat(plugin(list, "newer").get("state").asText()).isEqualTo("failed");
    assertThat(plugin(list, "newer").get("error").asText())
        .isEqualTo("requires host version >=99.0.0, but this host is " + Host.version());

    assertThat(plugin(list, "throwing").get("state").asText()).isEqualTo("failed");
    assertThat(plugin(list, "throwing").get("error").asText())
        .contains("throwing.Boom").contains("boom in constructor");

    assertThat(plugin(list, "bundler").get("state").asText()).isEqualTo("started");
    assertThat(run.stderr()).isEmpty();
  }

  @Test
  void storesOfBrokenPluginsAreUnavailableWithTheReasonAndTheOthersServe() {
    CliRun run = CliRun.run(config, "stores", "--json");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    JsonNode stores = run.json();
    assertThat(stores).hasSize(8);
    assertThat(stores.get(0).get("id").asText()).isEqualTo("a");
    assertThat(stores.get(0).get("available").asBoolean()).isTrue();
    assertThat(stores.get(0).get("schemes").toString()).isEqualTo("[\"fold\"]");
    assertThat(stores.get(0).get("capabilities").toString()).isEqualTo("[\"read\",\"write\",\"delete\"]");
    assertThat(stores.get(2).get("available").asBoolean()).as("host-first SPI: " + stores.get(2)).isTrue();
    assertThat(stores.get(3).get("error").asText()).isEqualTo("provider refusing failed: IllegalStateException: no way");
    assertThat(stores.get(4).get("error").asText()).startsWith("no started plugin provides store type \"newer\"");
    assertThat(stores.get(5).get("error").asText()).startsWith("no started plugin provides store type \"nosuch\"");
    assertThat(stores.get(6).get("error").asText()).isEqualTo("stores.nodir.dir: is required");
    assertThat(stores.get(7).get("error").asText()).startsWith("stores.typo.colour: unknown key (known: [dir])");
  }

  @Test
  void putThenGetRoundTripsThroughTheRoutedStore() throws Exception {
    byte[] data = randomBytes(300_001);
    Path in = Files.write(home.resolve("in.bin"), data);
    CliRun put = CliRun.run(config, "put", in.toString(), "--store", "b", "--id", "img-1", "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    JsonNode r = put.json();
    assertThat(r.get("location").asText()).isEqualTo("fold://b/img-1");
    assertThat(r.get("store").asText()).isEqualTo("b");
    assertThat(r.get("size").asLong()).isEqualTo(data.length);
    assertThat(r.get("checksum").asText()).isEqualTo(hex("MD5", data));
    assertThat(r.get("multihash").get("algorithm").asText()).isEqualTo("sha512");
    assertThat(r.get("multihash").get("value").asText()).isEqualTo(hex("SHA-512", data));
    assertThat(home.resolve("data/b/img-1")).exists();

    // Routed by scheme, then by ownership among the two stores of scheme fold.
    Path out = home.resolve("out.bin");
    CliRun get = CliRun.run(config, "get", "fold://b/img-1", "-o", out.toString());
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(data);
    CliRun toStdout = CliRun.run(config, "get", "fold://b/img-1");
    assertThat(toStdout.stdout()).isEqualTo(data);
    assertThat(CliRun.run(config, "size", "fold://b/img-1").out().trim()).isEqualTo("300001");

    CliRun dup = CliRun.run(config, "put", in.toString(), "--store", "b", "--id", "img-1");
    assertThat(dup.exitCode()).isEqualTo(1);
    assertThat(dup.stderr()).isEqualTo("stowage: image img-1 exists\n");

    assertThat(CliRun.run(config, "rm", "fold://b/img-1").exitCode()).isZero();
    CliRun gone = CliRun.run(config, "get", "fold://b/img-1", "-o", out.toString());
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.stderr()).isEqualTo("stowage: no image at fold://b/img-1\n");
    assertThat(Files.readAllBytes(out)).as("a failed get leaves the old file alone").isEqualTo(data);
    try (var files = Files.list(home)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(io.stowage.api.io.AtomicFile::isTemporaryName);
    }
  }

  @Test
  void putGoesToTheDefaultStoreAndStdinWorks() {
    byte[] data = randomBytes(1000);
    CliRun put = CliRun.runWithInput(config, new java.io.ByteArrayInputStream(data), "put", "-", "--json");
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    assertThat(put.json().get("store").asText()).isEqualTo("a");
    assertThat(put.json().get("size").asInt()).isEqualTo(1000);
  }

  @Test
  void locationsOfBrokenOrMissingStoresGiveOneLineErrors() {
    CliRun unknown = CliRun.run(config, "get", "s3://bucket/x");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).startsWith("stowage: no working store serves s3: locations; unavailable: refused: ");
    assertThat(unknown.stderr().lines()).hasSize(1);

    CliRun refused = CliRun.run(config, "put", "-", "--store", "refused");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr()).isEqualTo(
        "stowage: store \"refused\" is unavailable: provider refusing failed: IllegalStateException: no way\n");

    CliRun notOwned = CliRun.run(config, "size", "fold://zzz/img");
    assertThat(notOwned.exitCode()).isEqualTo(1);
    assertThat(notOwned.stderr()).isEqualTo("stowage: no fold store owns fold://zzz/img\n");

    CliRun notUri = CliRun.run(config, "get", "::nonsense");
    assertThat(notUri.exitCode()).isEqualTo(1);
    assertThat(notUri.stderr()).startsWith("stowage: location \"::nonsense\" is not a URI");
  }

  @Test
  void hostileImageIdsAreRefusedBeforeAnythingIsWritten() throws IOException {
    Path in = Files.write(home.resolve("small.bin"), randomBytes(10));
    for (String id : new String[] {"../x", "a/b", "..", ".hidden", "a\nb", "x".repeat(10_000), "c:\\d"}) {
      CliRun run = CliRun.run(config, "put", in.toString(), "--store", "a", "--id", id);
      assertThat(run.exitCode()).as(id).isEqualTo(1);
      assertThat(run.stderr()).as(id).startsWith("stowage: image id").doesNotContain("\tat ");
      assertThat(run.stderr().lines()).hasSize(1);
    }
    CliRun empty = CliRun.run(config, "put", in.toString(), "--store", "a", "--id", "");
    assertThat(empty.stderr()).isEqualTo("stowage: image id is empty\n");
    assertThat(home.resolve("x")).doesNotExist();
    assertThat(home.resolve("data/x")).doesNotExist();
  }

  private static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }
}
