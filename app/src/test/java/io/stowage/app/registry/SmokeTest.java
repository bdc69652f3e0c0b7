package io.stowage.app.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void createFindList() {
    try (ImageRegistry r = ImageRegistry.open(RegistrySettings.sqlite(dir.resolve("r.db")))) {
      ImageRecord a = r.create(NewImage.builder().name("a").owner("p").tags(Set.of("x"))
          .properties(Map.of("k", "v")).build());
      assertThat(r.find(a.id())).contains(a);
      assertThat(r.list(ImageQuery.builder(Scope.ADMIN).build()).images()).containsExactly(a);
      assertThat(r.transition(a.id(), ImageStatus.QUEUED, ImageStatus.SAVING)).isTrue();
      assertThat(r.transition(a.id(), ImageStatus.QUEUED, ImageStatus.SAVING)).isFalse();
    }
  }
}
