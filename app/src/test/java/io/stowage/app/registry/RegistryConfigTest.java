package io.stowage.app.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.UnavailableException;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.config.HostConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code registry} section, and {@link RegistryModule} binding what it describes. */
class RegistryConfigTest {
  @TempDir Path dir;

  private HostConfig load(String yaml) throws IOException {
    Files.createDirectories(dir.resolve("plugins"));
    Files.createDirectories(dir.resolve("conf/plugins"));
    Path conf = Files.createDirectories(dir.resolve("conf"));
    return new ConfigLoader().load(Files.writeString(conf.resolve("stowage.yaml"), yaml));
  }

  @Test
  void withoutASectionTheRegistryIsSqliteInTheDataFolder() throws IOException {
    RegistrySettings s = load("").registry();
    assertThat(s.url()).isEqualTo("jdbc:sqlite:" + dir.resolve("data/registry.db"));
    assertThat(s.isSqlite()).isTrue();
    assertThat(s.maxPoolSize()).isEqualTo(RegistrySettings.DEFAULT_POOL_SIZE);
  }

  @Test
  void theEmbeddedDefaultsPutItUnderData() throws IOException {
    Files.createDirectories(dir.resolve("plugins"));
    HostConfig c = new ConfigLoader().embedded(dir.resolve("conf"));
    assertThat(c.registry().url()).isEqualTo("jdbc:sqlite:" + dir.resolve("data/registry.db"));
  }

  @Test
  void aRelativeSqlitePathIsResolvedAgainstTheConfigFolder() throws IOException {
    assertThat(load("registry: { url: \"jdbc:sqlite:db/r.db?foo=1\" }").registry().url())
        .isEqualTo("jdbc:sqlite:" + dir.resolve("conf/db/r.db") + "?foo=1");
    assertThat(load("registry: { url: \"jdbc:sqlite:/abs/r.db\" }").registry().url())
        .isEqualTo("jdbc:sqlite:/abs/r.db");
  }

  @Test
  void postgresqlTakesUserPasswordAndPoolSize() throws IOException {
    RegistrySettings s = load("""
        registry:
          url: jdbc:postgresql://db.example:5432/stowage
          user: glance
          password: s3cret
          max_pool_size: 20
        """).registry();
    assertThat(s.url()).isEqualTo("jdbc:postgresql://db.example:5432/stowage");
    assertThat(s.user()).contains("glance");
    assertThat(s.password()).contains("s3cret");
    assertThat(s.maxPoolSize()).isEqualTo(20);
    assertThat(s.toString()).doesNotContain("s3cret");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> load("registry: { url: \"jdbc:mysql://x/y\" }"))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageStartingWith("registry.url: ");
    assertThatThrownBy(() -> load("registry: { uri: \"jdbc:sqlite:x.db\" }"))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageContaining("registry.uri: unknown key");
    assertThatThrownBy(() -> load("registry: { url: \"jdbc:sqlite:x.db\", max_pool_size: 0 }"))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageContaining("registry.max_pool_size");
  }

  private static Injector injector(HostConfig config) {
    return Guice.createInjector(Stage.PRODUCTION, new AbstractModule() {
      @Override
      protected void configure() {
        binder().requireExplicitBindings();
        bind(HostConfig.class).toInstance(config);
        install(new RegistryModule());
      }
    });
  }

  @Test
  void theModuleBindsOneRegistryThatOpensOnFirstUse() throws IOException {
    HostConfig config = load("registry: { url: \"jdbc:sqlite:../state/registry.db\" }");
    Injector injector = injector(config);
    Path file = dir.resolve("state/registry.db");
    ImageRegistry registry = injector.getInstance(ImageRegistry.class);
    assertThat(injector.getInstance(ImageRegistry.class)).isSameAs(registry);
    assertThat(file).doesNotExist(); // building the injector opened nothing
    ImageRecord image = registry.create(NewImage.builder().name("x").build());
    assertThat(file).exists();
    assertThat(registry.find(image.id())).contains(image);
    assertThat(registry.describe()).isEqualTo("jdbc:sqlite:" + file);
    registry.close();
    assertThatThrownBy(() -> registry.find(image.id())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRegistryThatCannotOpenFailsEachUseAndRecovers() throws IOException {
    Path blocker = dir.resolve("state");
    Files.writeString(blocker, "a file where the folder should be");
    ImageRegistry registry = injector(
        load("registry: { url: \"jdbc:sqlite:../state/registry.db\" }"))
        .getInstance(ImageRegistry.class);
    assertThatThrownBy(() -> registry.find("x")).isInstanceOf(UnavailableException.class)
        .hasMessageContaining("exists and is not a folder");
    Files.delete(blocker);
    assertThat(registry.find("x")).isEqualTo(Optional.empty());
    registry.close();
  }
}
