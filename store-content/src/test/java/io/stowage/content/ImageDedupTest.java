package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.NotFoundException;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identical images share one blob, and deleting one image never takes a blob another needs. */
class ImageDedupTest {
  @TempDir Path root;

  private static AddRequest request(String id, byte[] data) {
    return AddRequest.of(id, new ByteArrayInputStream(data)).withDeclaredSize(data.length);
  }

  private long blobCount() throws IOException {
    try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"))) {
      return blobs.count();
    }
  }

  private static byte[] read(LocalContentStore store, Location location) throws IOException {
    try (ImageData data = store.get(location, ByteRange.ALL)) {
      return data.stream().readAllBytes();
    }
  }

  @Test
  void identicalImagesAreStoredOnceAndTheBlobGoesWithTheLastReference() throws IOException {
    byte[] data = Stores.bytes(1, 100_000);
    try (LocalContentStore store = Stores.open(root)) {
      AddResult a = store.add(request("image-a", data));
      AddResult b = store.add(request("image-b", data));
      assertThat(blobCount()).isEqualTo(1);
      ContentInfo info = store.info(
          io.stowage.api.content.Digest.parse("sha256:" + a.location().uri().getPath()
              .substring("/sha256/".length())));
      assertThat(info.labels()).containsOnlyKeys("stowage.io/image.image-a",
          "stowage.io/image.image-b");
      store.delete(a.location());
      assertThatThrownBy(() -> store.size(a.location())).isInstanceOf(NotFoundException.class);
      assertThat(read(store, b.location())).isEqualTo(data);
      assertThat(blobCount()).isEqualTo(1);
      store.delete(b.location());
      assertThat(blobCount()).isZero();
      assertThatThrownBy(() -> store.delete(b.location())).isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void locateFindsEachImageOfASharedBlobUntilItIsDeleted() throws IOException {
    byte[] data = Stores.bytes(3, 10_000);
    try (LocalContentStore store = Stores.open(root)) {
      assertThat(store.locate("image-a")).isEmpty();
      AddResult a = store.add(request("image-a", data));
      AddResult b = store.add(request("image-b", data));
      assertThat(store.locate("image-a")).contains(a.location());
      assertThat(store.locate("image-b")).contains(b.location());
      store.delete(a.location());
      assertThat(store.locate("image-a")).isEmpty();
      assertThat(store.locate("image-b")).contains(b.location());
      // An index entry whose blob lacks the image's label (a crash between the two steps) is
      // not an image: nothing to locate.
      Files.writeString(new Layout(root).image("image-a"),
          "sha256:" + b.location().uri().getPath().substring("/sha256/".length()));
      assertThat(store.locate("image-a")).isEmpty();
    }
  }

  @Test
  void concurrentAddsAndDeletesOfIdenticalImagesNeverLoseANeededBlob() throws Exception {
    byte[] data = Stores.bytes(2, 64 * 1024);
    int threads = 8;
    int rounds = 40;
    try (LocalContentStore store = Stores.open(root)) {
      AddResult keeper = store.add(request("keeper", data));
      CyclicBarrier start = new CyclicBarrier(threads);
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int r = 0; r < rounds; r++) {
            String id = "img-" + thread + "-" + r;
            AddResult added = store.add(request(id, data));
            byte[] back = read(store, added.location());
            if (!java.util.Arrays.equals(back, data)) {
              problems.add(id + " read back wrong bytes");
            }
            store.delete(added.location());
            if (store.size(keeper.location()) != data.length) {
              problems.add("the keeper's blob changed");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(problems).isEmpty();
      assertThat(read(store, keeper.location())).isEqualTo(data);
      List<ContentInfo> blobs = new ArrayList<>();
      store.walk(ContentFilter.ALL, blobs::add);
      assertThat(blobs).hasSize(1);
      assertThat(blobs.get(0).labels()).containsOnlyKeys("stowage.io/image.keeper");
      store.delete(keeper.location());
      assertThat(blobCount()).isZero();
    }
  }

  @Test
  void withoutAKeeperTheLastDeleteRemovesTheBlobAndAddsRecreateIt() throws Exception {
    byte[] data = Stores.bytes(3, 10_000);
    int threads = 6;
    try (LocalContentStore store = Stores.open(root)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int r = 0; r < 60; r++) {
            AddResult added = store.add(request("i-" + thread + "-" + r, data));
            if (!java.util.Arrays.equals(read(store, added.location()), data)) {
              throw new AssertionError("wrong bytes");
            }
            store.delete(added.location());
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(blobCount()).isZero();
      try (Stream<Path> index = Files.list(root.resolve("images"))) {
        assertThat(index).isEmpty();
      }
    }
  }
}
