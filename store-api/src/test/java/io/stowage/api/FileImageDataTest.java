package io.stowage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileImageDataTest {
  @TempDir Path dir;

  @Test
  void aRangeReadsExactlyItsBytesAndOffersItsFileRegion() throws Exception {
    byte[] bytes = new byte[10_000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Path f = Files.write(dir.resolve("image"), bytes);
    try (ImageData data = ImageData.ofFile(f, FileChannel.open(f), 100, 5000)) {
      ImageData.FileRegion region = data.fileRegion().orElseThrow();
      assertThat(region.position()).isEqualTo(100);
      assertThat(region.count()).isEqualTo(5000);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(data.transferTo(Channels.newChannel(out))).isEqualTo(5000);
      assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 100, 5100));
    }
  }

  @Test
  void aFileTruncatedWhileReadIsAnError() throws Exception {
    Path f = Files.write(dir.resolve("image"), new byte[4096]);
    ImageData data = ImageData.ofFile(f, FileChannel.open(f), 0, 4096);
    try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
      w.truncate(1000);
    }
    assertThatThrownBy(() -> data.transferTo(Channels.newChannel(new ByteArrayOutputStream())))
        .isInstanceOf(StoreIOException.class).hasMessageContaining("was truncated");
    data.close();
  }
}
