package io.stowage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IoFailuresTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "No space left on device, StorageFullException",
      "Disk quota exceeded, StorageFullException",
      "File too large, StorageFullException",
      "Permission denied, WriteDeniedException",
      "Operation not permitted, WriteDeniedException",
      "Read-only file system, WriteDeniedException",
      "Input/output error, StoreIOException",
      "Stale file handle, StoreIOException"})
  void classifiesWritesByErrno(String strerror, String expected) {
    FileSystemException e = new FileSystemException("/d/f", null, strerror);
    StowageException mapped = IoFailures.onWrite("writing f", e);
    assertThat(mapped.getClass().getSimpleName()).isEqualTo(expected);
    assertThat(mapped).hasMessageStartingWith("writing f: " + strerror).hasCause(e);
    assertThat(IoFailures.onRead("reading f", e)).isInstanceOf(StoreIOException.class)
        .hasMessage("reading f: " + strerror);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"No space left on device", "Disk quota exceeded"})
  void aFullDiskSaysSo(String strerror) {
    assertThat(IoFailures.onWrite("x", new IOException(strerror))).hasMessageContaining("full");
  }

  @org.junit.jupiter.api.Test
  void accessDeniedWithoutReasonIsDenied() {
    assertThat(IoFailures.onWrite("x", new AccessDeniedException("/d/f")))
        .isInstanceOf(WriteDeniedException.class).hasMessage("x: Permission denied");
  }
}
