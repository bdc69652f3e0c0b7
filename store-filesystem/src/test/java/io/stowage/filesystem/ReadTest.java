package io.stowage.filesystem;


import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.Store;
import static io.stowage.filesystem.TestStores.add;
import static io.stowage.filesystem.TestStores.random;
import static io.stowage.filesystem.TestStores.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadTest {
  @TempDir Path tmp;

  @Test
  void rangesReadExactlyTheirBytes() {
    byte[] data = random(2_500_000, 7);
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      AddResult r = add(store, "img", data);
      long[][] ranges = {{0, 1}, {1, 10}, {1_000_000, 1_000_000}, {2_499_999, 1}, {2_000_000, 0}};
      for (long[] range : ranges) {
        int from = (int) range[0];
        int to = (int) (range[0] + range[1]);
        assertThat(read(store, r.location(), ByteRange.of(range[0], range[1])))
            .as("range %s+%s", range[0], range[1])
            .isEqualTo(Arrays.copyOfRange(data, from, to));
      }
      assertThat(read(store, r.location(), ByteRange.from(2_400_000)))
          .isEqualTo(Arrays.copyOfRange(data, 2_400_000, data.length));
      // A range that runs past the end is cut there.
      assertThat(read(store, r.location(), ByteRange.of(2_499_990, 1000)))
          .isEqualTo(Arrays.copyOfRange(data, 2_499_990, data.length));
      try (ImageData d = store.get(r.location(), ByteRange.of(100, 5000))) {
        assertThat(d.size()).isEqualTo(5000);
      }
    }
  }

  @Test
  void rangesStartingPastTheEndAreRefused() {
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      AddResult r = add(store, "img", random(100, 1));
      assertThatThrownBy(() -> store.get(r.location(), ByteRange.from(101)))
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> store.get(r.location(), ByteRange.of(100, 1)))
          .isInstanceOf(InvalidRequestException.class);
      AddResult empty = add(store, "empty", new byte[0]);
      assertThat(read(store, empty.location(), ByteRange.ALL)).isEmpty();
    }
  }

  @Test
  void channelAndStreamReadTheRangeInSmallSteps() throws Exception {
    byte[] data = random(300_000, 9);
    try (Store store = TestStores.open(tmp.resolve("d"))) {
      AddResult r = add(store, "img", data);
      try (ImageData d = store.get(r.location(), ByteRange.of(1234, 200_000))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer small = ByteBuffer.allocate(777);
        while (d.channel().read(small) >= 0) {
          out.write(small.array(), 0, small.position());
          small.clear();
        }
        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(data, 1234, 201_234));
      }
      try (ImageData d = store.get(r.location(), ByteRange.of(5, 10));
          InputStream in = d.stream()) {
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 5, 15));
      }
    }
  }

  @Test
  void transferToAFileCopiesTheRange() throws Exception {
    byte[] data = random(4_000_000, 11);
    Path copy = tmp.resolve("copy");
    try (Store store = TestStores.open(tmp.resolve("d"));
        FileChannel target =
            FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      AddResult r = add(store, "img", data);
      try (ImageData d = store.get(r.location(), ByteRange.of(3, 3_000_000))) {
        assertThat(d.transferTo(target)).isEqualTo(3_000_000);
        assertThat(d.transferTo(target)).isZero();
      }
    }
    assertThat(Files.readAllBytes(copy)).isEqualTo(Arrays.copyOfRange(data, 3, 3_000_003));
  }
}
