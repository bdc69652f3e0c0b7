package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.api.content.CommitResult;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.content.ContentWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same bytes through Debian's containerd ({@code ctr content ...} against a private
 * containerd in a temp folder) and through this store: same digest, size, blob path under the
 * content root, and labels as {@code ctr content ls} shows them. Skipped without containerd, but
 * failed instead under CI.
 */
class ContainerdParityTest {
  @TempDir Path dir;
  Process containerd;
  Path socket;

  @BeforeEach
  void startContainerd() throws Exception {
    boolean present = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin")
        .split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "containerd")));
    if (System.getenv("CI") == null) {
      assumeTrue(present, "containerd (Debian package containerd) is needed for this test");
    }
    assertThat(present).as("containerd installed (.ci/run installs it)").isTrue();
    Path home = Files.createDirectories(dir.resolve("containerd"));
    socket = home.resolve("containerd.sock");
    Path config = Files.writeString(home.resolve("config.toml"), """
        version = 2
        root = "%s"
        state = "%s"
        [grpc]
          address = "%s"
        """.formatted(home.resolve("root"), home.resolve("state"), socket));
    containerd = new ProcessBuilder("containerd", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(home.resolve("log").toFile()).start();
    for (int i = 0; i < 80 && !ctrOk("version"); i++) {
      Thread.sleep(250);
    }
    assertThat(ctrOk("version")).as("containerd answered; see " + home.resolve("log")).isTrue();
  }

  @AfterEach
  void stopContainerd() throws InterruptedException {
    if (containerd != null) {
      containerd.destroy();
      if (!containerd.waitFor(20, TimeUnit.SECONDS)) {
        containerd.destroyForcibly();
      }
    }
  }

  private boolean ctrOk(String... args) throws IOException, InterruptedException {
    return ctr(null, args).exitCode == 0;
  }

  private record Run(int exitCode, String out) {}

  private Run ctr(Path stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ctr", "--address", socket.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return new Run(p.exitValue(), out);
  }

  @Test
  void sameDigestSizeLayoutAndLabelsAsContainerd() throws Exception {
    byte[] data = Stores.bytes(77, 3 * 1024 * 1024 + 3);
    Path file = Files.write(dir.resolve("blob"), data);
    Run ingest = ctr(file, "content", "ingest", "--expected-size", Integer.toString(data.length),
        "layer");
    assertThat(ingest.exitCode).as(ingest.out).isZero();
    Run label = ctr(null, "content", "ls", "-q");
    String ctrDigest = label.out.strip();
    assertThat(ctr(null, "content", "label", ctrDigest, "app=web").exitCode).isZero();
    String ctrLine = ctr(null, "content", "ls").out.lines().skip(1).findFirst().orElseThrow();

    Path root = dir.resolve("ours");
    try (LocalContentStore store = Stores.open(root)) {
      CommitResult ours;
      try (ContentWriter w = store.writer("layer", OptionalLong.of(data.length))) {
        w.write(data, 0, data.length);
        ours = w.commit(OptionalLong.of(data.length), Optional.empty(), Map.of("app", "web"));
      }
      assertThat(ours.digest().toString()).isEqualTo(ctrDigest);
      List<ContentInfo> infos = new ArrayList<>();
      store.walk(ContentFilter.parse("labels.app==web"), infos::add);
      assertThat(infos).hasSize(1);
      // ctr content ls: DIGEST SIZE AGE LABELS, size humanized, labels key=value.
      String[] fields = ctrLine.split("\\s+");
      assertThat(fields[0]).isEqualTo(infos.get(0).digest().toString());
      assertThat(fields[fields.length - 1]).isEqualTo("app=web");
      Path theirs = dir.resolve("containerd/root/io.containerd.content.v1.content")
          .resolve("blobs/sha256").resolve(ours.digest().hex());
      Path mine = root.resolve("blobs/sha256").resolve(ours.digest().hex());
      assertThat(Files.mismatch(theirs, mine)).isEqualTo(-1);
      assertThat(Files.getPosixFilePermissions(mine))
          .isEqualTo(Files.getPosixFilePermissions(theirs));
    }
  }
}
