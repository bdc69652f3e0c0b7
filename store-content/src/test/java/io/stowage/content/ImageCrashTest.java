package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.NotFoundException;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image is its index entry plus its label on the blob; a crash between the two steps of an
 * add or a delete must leave no label behind (a label without an image would keep the blob
 * forever) and nothing a retry trips over. Shown by halting a real add at that point in another
 * JVM, and by recreating on disk what a crash in the middle of a delete leaves.
 */
class ImageCrashTest {
  private static final int SIZE = 3 << 20;

  @TempDir Path root;

  private AddResult add(LocalContentStore store, String id, byte[] data) {
    return store.add(AddRequest.of(id, new ByteArrayInputStream(data)));
  }

  private void addAndCrashBeforeTheLabel(String id, long seed) throws Exception {
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), Child.class.getName(),
        "add-crash", root.toString(), id, Integer.toString(SIZE), Long.toString(seed))
        .redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("halted at the crash point: " + out).isEqualTo(3);
    assertThat(Files.exists(root.resolve("images").resolve(Layout.sha256Hex(id))))
        .as("the index entry was written").isTrue();
  }

  private static byte[] read(LocalContentStore store, Location location) throws IOException {
    try (io.stowage.api.ImageData data = store.get(location, io.stowage.api.ByteRange.ALL)) {
      return data.stream().readAllBytes();
    }
  }

  private List<Path> files(String folder) throws IOException {
    try (Stream<Path> s = Files.walk(root.resolve(folder))) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aCrashBetweenIndexAndLabelLeavesNoReferenceOnASharedBlob() throws Exception {
    byte[] data = Stores.bytes(11, SIZE);
    AddResult kept;
    try (LocalContentStore store = Stores.open(root)) {
      kept = add(store, "kept", data);
    }
    // "crashed" has the same bytes: its add stops after its index entry, before its label.
    addAndCrashBeforeTheLabel("crashed", 11);
    Location crashed = Location.of(java.net.URI.create(kept.location().uri().toString()
        .replace("image=kept", "image=crashed")), "test", java.util.Map.of());
    try (LocalContentStore store = Stores.open(root)) {
      assertThat(store.owns(crashed.uri())).isFalse();
      assertThatThrownBy(() -> store.get(crashed, io.stowage.api.ByteRange.ALL))
          .isInstanceOf(NotFoundException.class);
      List<io.stowage.api.content.ContentInfo> blobs = new java.util.ArrayList<>();
      store.walk(io.stowage.api.content.ContentFilter.ALL, blobs::add);
      assertThat(blobs).singleElement().satisfies(info -> assertThat(info.labels().keySet())
          .as("no label of the crashed add").containsExactly(ImageShelf.LABEL_PREFIX + "kept"));

      // The only image gone, the blob goes: nothing holds it.
      store.delete(kept.location());
      assertThat(files("blobs")).isEmpty();

      // A retry of the crashed add succeeds, over what the crash left.
      AddResult retried = add(store, "crashed", data);
      assertThat(store.owns(retried.location().uri())).isTrue();
      assertThat(read(store, retried.location())).isEqualTo(data);
      store.delete(retried.location());
      assertThat(files("blobs")).isEmpty();
      assertThat(files("meta")).isEmpty();
      assertThat(files("images")).isEmpty();
      assertThat(store.statuses(io.stowage.api.content.ContentFilter.ALL)).isEmpty();
    }
  }

  @Test
  void aCrashedAddOfAnImageOfItsOwnLeavesNothingBehindAfterTheRetry() throws Exception {
    addAndCrashBeforeTheLabel("alone", 12);
    try (LocalContentStore store = Stores.open(root)) {
      assertThat(files("blobs")).as("nothing published").isEmpty();
      byte[] other = Stores.bytes(13, 1000); // the retry need not send the same bytes
      AddResult r = add(store, "alone", other);
      assertThat(read(store, r.location())).isEqualTo(other);
      store.delete(r.location());
      assertThat(files("blobs")).isEmpty();
      assertThat(files("images")).isEmpty();
      assertThat(store.statuses(io.stowage.api.content.ContentFilter.ALL)).isEmpty();
    }
  }

  @Test
  void aCrashInTheMiddleOfADeleteLeavesNoImageAndNoLabel() throws Exception {
    byte[] data = Stores.bytes(14, SIZE);
    try (LocalContentStore store = Stores.open(root)) {
      AddResult a = add(store, "a", data);
      AddResult b = add(store, "b", data);
      Path indexOfA = root.resolve("images").resolve(Layout.sha256Hex("a"));
      byte[] entry = Files.readAllBytes(indexOfA);
      store.delete(a.location());
      // What a crash after dropping the label and before removing the index entry leaves.
      Files.write(indexOfA, entry);
      assertThat(store.owns(a.location().uri())).isFalse();
      assertThatThrownBy(() -> store.delete(a.location())).isInstanceOf(NotFoundException.class);
      store.delete(b.location());
      assertThat(files("blobs")).as("no label kept the blob").isEmpty();
      // The id can be used again.
      AddResult again = add(store, "a", data);
      assertThat(store.owns(again.location().uri())).isTrue();
    }
  }
}
