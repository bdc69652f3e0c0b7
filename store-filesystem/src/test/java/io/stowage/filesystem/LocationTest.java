package io.stowage.filesystem;


import io.stowage.api.store.AddResult;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Store;
import static io.stowage.filesystem.TestStores.add;
import static io.stowage.filesystem.TestStores.random;
import static io.stowage.filesystem.TestStores.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocationTest {
  @TempDir Path tmp;

  private static Location loc(String uri) {
    return Location.parse(uri);
  }

  @Test
  void locationsOutsideTheFoldersAreRefused() throws Exception {
    Path dir = tmp.resolve("d");
    Files.createDirectories(tmp.resolve("d/sub"));
    Files.writeString(tmp.resolve("secret"), "secret");
    Files.writeString(tmp.resolve("d/sub/x"), "nested");
    try (Store store = TestStores.open(dir)) {
      List<String> hostile =
          List.of(
              "file:///etc/passwd",
              "file://" + dir + "/../secret",
              "file://" + dir + "/%2e%2e/secret",
              "file://" + dir + "/./x",
              "file://" + dir + "/sub/x",
              "file://" + dir,
              "file://" + dir + "/",
              "file://evil.example" + dir + "/x",
              "file://" + dir + "/x?y",
              "file:x",
              "http://" + dir + "/x",
              "file://" + dir + "/.x.0123456789abcdef.tmp");
      for (String uri : hostile) {
        assertThatThrownBy(() -> store.get(loc(uri), ByteRange.ALL))
            .as(uri)
            .isInstanceOf(BadLocationException.class);
        assertThatThrownBy(() -> store.size(loc(uri))).as(uri).isInstanceOf(BadLocationException.class);
        assertThatThrownBy(() -> store.delete(loc(uri))).as(uri).isInstanceOf(BadLocationException.class);
        assertThat(store.owns(URI.create(uri))).as(uri).isFalse();
      }
      assertThat(tmp.resolve("secret")).exists();
      assertThat(tmp.resolve("d/sub/x")).exists();
    }
  }

  @Test
  void symlinksInTheFolderAreNotFollowed() throws Exception {
    Path dir = tmp.resolve("d");
    Files.createDirectories(dir);
    Files.writeString(tmp.resolve("secret"), "secret");
    Files.createSymbolicLink(dir.resolve("evil"), tmp.resolve("secret"));
    try (Store store = TestStores.open(dir)) {
      Location evil = loc("file://" + dir + "/evil");
      assertThatThrownBy(() -> store.get(evil, ByteRange.ALL)).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> store.size(evil)).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> store.delete(evil)).isInstanceOf(NotFoundException.class);
    }
    assertThat(tmp.resolve("secret")).hasContent("secret");
  }

  @Test
  void unusualIdsRoundTripThroughTheUri() {
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      for (String id : List.of("with space", "per%cent", "ques?tion#hash", "ünïcødé-✓", "a..b")) {
        byte[] data = random(100, id.hashCode());
        AddResult r = add(store, id, data);
        assertThat(r.location().uri().getPath()).isEqualTo(tmp.resolve("d").resolve(id).toString());
        Location reparsed = Location.parse(r.location().uri().toString());
        assertThat(read(store, reparsed, ByteRange.ALL)).as(id).isEqualTo(data);
        assertThat(store.owns(reparsed.uri())).isTrue();
      }
    }
  }

  @Test
  void ownsOnlyItsOwnFolders() {
    try (Store a = TestStores.open(FilesystemConfig.ofDatadirs(List.of("a1:1", "a2:2")), tmp);
        Store b = TestStores.open(tmp.resolve("b"))) {
      AddResult r = add(a, "img", random(10, 1));
      assertThat(a.owns(r.location().uri())).isTrue();
      assertThat(a.owns(URI.create("filesystem://" + tmp.resolve("a1") + "/img"))).isTrue();
      assertThat(b.owns(r.location().uri())).isFalse();
      assertThatThrownBy(() -> b.size(r.location())).isInstanceOf(BadLocationException.class);
    }
  }
}
