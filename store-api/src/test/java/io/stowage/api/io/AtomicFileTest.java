package io.stowage.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  private static void write(AtomicFile f, String text) throws IOException {
    f.channel().write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void nothingIsVisibleUnderTheTargetUntilCommit() throws IOException {
    Path target = dir.resolve("out.raw");
    try (AtomicFile f = AtomicFile.create(target)) {
      write(f, "hello");
      assertThat(target).doesNotExist();
      assertThat(names()).singleElement().satisfies(n -> assertThat(AtomicFile.isTemporaryName(n)).isTrue());
      f.commit(AtomicFile.Commit.NEW, true);
    }
    assertThat(target).hasContent("hello");
    assertThat(names()).containsExactly("out.raw");
  }

  @Test
  void closingWithoutCommitLeavesNothing() throws IOException {
    try (AtomicFile f = AtomicFile.create(dir.resolve("out.raw"))) {
      write(f, "partial");
    }
    assertThat(names()).isEmpty();
  }

  @Test
  void newNeverReplacesAnExistingTarget() throws IOException {
    Path target = Files.writeString(dir.resolve("out.raw"), "precious");
    AtomicFile f = AtomicFile.create(target);
    write(f, "other");
    assertThatThrownBy(() -> f.commit(AtomicFile.Commit.NEW, false))
        .isInstanceOf(FileAlreadyExistsException.class);
    f.close();
    assertThat(target).hasContent("precious");
    assertThat(names()).containsExactly("out.raw");
  }

  @Test
  void replaceSwapsInOneStep() throws IOException {
    Path target = Files.writeString(dir.resolve("out.raw"), "old");
    try (AtomicFile f = AtomicFile.create(target)) {
      write(f, "new");
      f.commit(AtomicFile.Commit.REPLACE, false);
    }
    assertThat(target).hasContent("new");
    assertThat(names()).containsExactly("out.raw");
  }

  @Test
  void aWorkFolderHoldsTheTemporaryFileUntilCommit() throws IOException {
    Path work = Files.createDirectories(dir.resolve("incomplete"));
    Path target = dir.resolve("entry");
    try (AtomicFile f = AtomicFile.create(target, work, "entry")) {
      write(f, "whole");
      assertThat(f.temporary().getParent()).isEqualTo(work);
      assertThat(AtomicFile.isTemporaryName(f.temporary().getFileName().toString())).isTrue();
      assertThat(target).doesNotExist();
      assertThat(AtomicFile.removeAbandoned(work)).as("a live writer's file").isEmpty();
      f.commit(AtomicFile.Commit.REPLACE, false);
    }
    assertThat(Files.readString(target)).isEqualTo("whole");
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).isEmpty();
    }
    try (AtomicFile f = AtomicFile.create(dir.resolve("other"), work, "other")) {
      write(f, "part");
    }
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).as("closed without commit").isEmpty();
    }
    assertThat(dir.resolve("other")).doesNotExist();
  }

  @Test
  void removeAbandonedSparesLiveWritersAndOtherFiles() throws IOException {
    Path stale = Files.writeString(dir.resolve(".out.raw.0123456789abcdef.tmp"), "left by a crash");
    Path otherTarget = Files.writeString(dir.resolve(".other.0123456789abcdef.tmp"), "x");
    Files.writeString(dir.resolve("keep.me"), "user data");
    try (AtomicFile live = AtomicFile.create(dir.resolve("out.raw"))) {
      assertThat(AtomicFile.removeAbandoned(dir, "out.raw")).containsExactly(stale);
      assertThat(live.temporary()).exists();
      assertThat(otherTarget).exists();
      assertThat(AtomicFile.removeAbandoned(dir)).containsExactly(otherTarget);
      assertThat(live.temporary()).exists();
    }
    assertThat(names()).containsExactly("keep.me");
  }

  @Test
  void aKilledWriterIsCleanedUpAndALiveOneInAnotherProcessIsNot() throws Exception {
    Process child = holder("out.raw", "hold");
    try {
      assertThat(AtomicFile.removeAbandoned(dir, "out.raw")).isEmpty();
      assertThat(names()).hasSize(1);
    } finally {
      child.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
    assertThat(names()).hasSize(1);
    assertThat(AtomicFile.removeAbandoned(dir, "out.raw")).hasSize(1);
    assertThat(names()).isEmpty();
  }

  @Test
  void anInterruptedWriterRemovesItsFile() throws Exception {
    Process child = holder("out.raw", "hold");
    child.destroy(); // SIGTERM runs the shutdown hook
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(names()).isEmpty();
  }

  private Process holder(String name, String mode) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        HoldingWriter.class.getName(), dir.resolve(name).toString(), mode)
        .redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(r.readLine()).isEqualTo("ready");
    return p;
  }

  /** A child process that opens an atomic file, writes to it and waits to be killed. */
  public static final class HoldingWriter {
    public static void main(String[] args) throws Exception {
      AtomicFile f = AtomicFile.create(Path.of(args[0]));
      f.channel().write(ByteBuffer.wrap(new byte[4096]));
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
