package io.stowage.filesystem;


import io.stowage.api.store.AddResult;
import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.store.Store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataFileTest {
  @TempDir Path tmp;

  private FilesystemConfig config(String json, String... datadirs) throws Exception {
    Files.writeString(tmp.resolve("meta.json"), json);
    return FilesystemConfig.ofDatadirs(List.of(datadirs)).withMetadataFile("meta.json");
  }

  @Test
  void eachAddGetsTheEntryOfItsMountPoint() throws Exception {
    String json =
        "[{\"id\": \"nfs-a\", \"mountpoint\": \"" + tmp.resolve("mnt") + "\"},"
            + " {\"id\": \"nfs-b\", \"mountpoint\": \"" + tmp.resolve("mnt/b") + "\", \"zone\": \"z2\"},"
            + " {\"id\": \"nfs-c\", \"mountpoint\": \"" + tmp.resolve("mn") + "\"}]";
    FilesystemConfig c = config(json, "mnt/a/images:20", "mnt/b/images:10", "elsewhere:1");
    try (Store store = TestStores.open(c, tmp)) {
      AddResult a = TestStores.add(store, "x", new byte[] {1});
      assertThat(a.metadata())
          .isEqualTo(Map.of("id", "nfs-a", "mountpoint", tmp.resolve("mnt").toString()));
    }
    // Under both "mnt" and "mnt/b" (listed second): the nested mount point wins.
    try (Store store =
        TestStores.open(
            FilesystemConfig.ofDatadirs(List.of("mnt/b/images:10", "elsewhere:1"))
                .withMetadataFile("meta.json"),
            tmp)) {
      AddResult b = TestStores.add(store, "y", new byte[] {1});
      assertThat(b.metadata())
          .containsEntry("id", "nfs-b")
          .containsEntry("zone", "z2")
          .containsEntry("mountpoint", tmp.resolve("mnt/b").toString());
    }
    // No entry's mount point contains the file ("mn" is a prefix of "mnt" only as text).
    try (Store store =
        TestStores.open(FilesystemConfig.ofDatadir("elsewhere").withMetadataFile("meta.json"), tmp)) {
      assertThat(TestStores.add(store, "z", new byte[] {1}).metadata()).isEmpty();
    }
  }

  @Test
  void aSingleObjectApplies() throws Exception {
    FilesystemConfig c = config("{\"id\": \"one\", \"mountpoint\": \"/\"}", "images:1");
    try (Store store = TestStores.open(c, tmp)) {
      assertThat(TestStores.add(store, "x", new byte[] {1}).metadata())
          .isEqualTo(Map.of("id", "one", "mountpoint", "/"));
    }
  }

  @Test
  void invalidFilesAreRefusedAtStart() throws Exception {
    Map<String, String> bad =
        Map.of(
            "not json {", "not valid JSON",
            "[]", "non-empty list",
            "42", "object or a non-empty list",
            "{\"id\": \"a\"}", "no \"mountpoint\"",
            "[{\"id\": \"a\", \"mountpoint\": \"/m\"}, {\"mountpoint\": \"/n\"}]", "entry [1] has no \"id\"",
            "{\"id\": 5, \"mountpoint\": \"/m\"}", "\"id\" is not a string",
            "[\"a\"]", "entry [0] is not an object",
            "", "empty");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      FilesystemConfig c = config(e.getKey(), "images:1");
      assertThatThrownBy(() -> TestStores.open(c, tmp))
          .as(e.getKey())
          .isInstanceOf(BadStoreConfigurationException.class)
          .hasMessageStartingWith("metadata_file: ")
          .hasMessageContaining(e.getValue());
    }
    FilesystemConfig missing =
        FilesystemConfig.ofDatadir("images").withMetadataFile("absent.json");
    assertThatThrownBy(() -> TestStores.open(missing, tmp))
        .isInstanceOf(BadStoreConfigurationException.class)
        .hasMessageContaining("absent.json")
        .hasMessageContaining("cannot be read");
  }
}
