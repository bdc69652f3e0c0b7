package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plugin author sees when a plugin is built wrong, with real jars: a warning for a jar
 * that bundles the host's packages or lists no extensions, a one-line error for two jars with
 * one plugin id, and the plugin's own stack trace under {@code STOWAGE_DEBUG=1}.
 */
class PluginDiagnosticsTest {
  @TempDir static Path home;
  static Path config;

  static final String REFUSING = """
      package refusing;
      @org.pf4j.Extension
      public final class Refuses implements io.stowage.api.store.StoreProvider<Refuses.Config> {
        public record Config() {}
        public String type() { return "refusing"; }
        public Class<Config> configType() { return Config.class; }
        public io.stowage.api.store.Store create(Config c, io.stowage.api.InstanceContext x) {
          return deeper();
        }
        private static io.stowage.api.store.Store deeper() {
          throw new IllegalStateException("no way", new java.io.IOException("the root cause"));
        }
      }
      """;

  @BeforeAll
  static void plugins() throws IOException {
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    PluginJar.id("good").source("good.FolderStores",
        TestStores.folderStore("good", "FolderStores", "folder", "fold"), true).writeTo(plugins);
    PluginJar.id("bundler").source("bundler.BundledStores",
            TestStores.folderStore("bundler", "BundledStores", "bundled", "bund"), true)
        .entry("io/stowage/api/store/StoreProvider.class",
            io.stowage.api.store.StoreProvider.class.getResourceAsStream("StoreProvider.class").readAllBytes())
        .entry("org/slf4j/Logger.class", org.slf4j.Logger.class.getResourceAsStream("Logger.class").readAllBytes())
        .writeTo(plugins);
    PluginJar.id("unindexed").withoutIndex().source("unindexed.FolderStores",
        TestStores.folderStore("unindexed", "FolderStores", "unindexed", "unx"), true).writeTo(plugins);
    PluginJar twin = PluginJar.id("twin").source("twin.FolderStores",
        TestStores.folderStore("twin", "FolderStores", "twin", "twn"), true);
    twin.writeAs(plugins.resolve("twin-1.0.jar"));
    twin.writeAs(plugins.resolve("twin-2.0.jar"));
    PluginJar.id("refusing").source("refusing.Refuses", REFUSING, true).writeTo(plugins);
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: plugins }
        stores:
          a: { type: folder, dir: data/a }
          twin: { type: twin, dir: data/t }
          refused: { type: refusing }
        """);
  }

  private static JsonNode plugin(String id) {
    CliRun run = CliRun.run(config, "plugins", "--json");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    for (JsonNode p : run.json()) {
      if (p.get("id").asText().equals(id)) {
        return p;
      }
    }
    throw new AssertionError("no plugin " + id + " in " + run.out());
  }

  @Test
  void aJarThatBundlesHostPackagesStartsWithAWarning() {
    JsonNode bundler = plugin("bundler");
    assertThat(bundler.get("state").asText()).isEqualTo("started");
    assertThat(bundler.get("warnings")).hasSize(1);
    assertThat(bundler.get("warnings").get(0).asText()).isEqualTo(
        "bundles host packages (io.stowage.api, org.slf4j); the host's copies are used: declare"
            + " those dependencies provided");
    assertThat(plugin("good").has("warnings")).isFalse();
  }

  @Test
  void aJarWithoutAnExtensionIndexIsReportedAsContributingNothing() {
    JsonNode unindexed = plugin("unindexed");
    assertThat(unindexed.get("extensions")).isEmpty();
    assertThat(unindexed.get("warnings").get(0).asText())
        .startsWith("contributes no extensions: the jar has no META-INF/extensions.idx");
    CliRun text = CliRun.run(config, "plugins");
    assertThat(text.out()).contains("unindexed 1.0.0 started\n  warning: contributes no extensions");
  }

  @Test
  void twoJarsWithOnePluginIdAreBothRefusedWithOneLine() {
    JsonNode twin = plugin("twin");
    assertThat(twin.get("state").asText()).isEqualTo("failed");
    assertThat(twin.get("error").asText()).isEqualTo(
        "plugin id \"twin\" is in several jars (twin-1.0.jar, twin-2.0.jar); remove all but one");
    CliRun stores = CliRun.run(config, "stores");
    assertThat(stores.out()).contains("twin (twin) unavailable: no started plugin provides store type \"twin\"");
  }

  @Test
  void aProvidersFailureShowsThePluginsStackTraceOnlyWithDebug() {
    CliRun quiet = CliRun.run(config, "put", "-", "--store", "refused");
    assertThat(quiet.exitCode()).isEqualTo(1);
    assertThat(quiet.stderr()).isEqualTo("stowage: store \"refused\" is unavailable: provider refusing"
        + " failed: IllegalStateException: no way\n");

    CliRun debug = CliRun.runWithEnv(config, new ByteArrayInputStream(new byte[0]),
        Map.of("STOWAGE_DEBUG", "1"), "put", "-", "--store", "refused");
    assertThat(debug.exitCode()).isEqualTo(1);
    assertThat(debug.stderr())
        .contains("at refusing.Refuses.deeper(")
        .contains("at refusing.Refuses.create(")
        .contains("Caused by: java.io.IOException: the root cause")
        .endsWith("stowage: store \"refused\" is unavailable: provider refusing failed:"
            + " IllegalStateException: no way\n");
  }
}
