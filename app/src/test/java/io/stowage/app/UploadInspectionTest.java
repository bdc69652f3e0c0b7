package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code put} inspects the stream on its way to the store, and {@code inspect} reports on files,
 * using a small disk format compiled into a real plugin jar: "TOYDISK!" then the virtual size
 * (8 bytes) then a flag byte (1 = has a parent, i.e. unsafe; 2 = corrupt).
 */
class UploadInspectionTest {
  @TempDir static Path home;
  static Path config;

  static final String TOY = """
      package toy;
      import io.stowage.api.*; import io.stowage.api.store.*; import io.stowage.api.disk.*; import io.stowage.api.cache.*;
      import java.nio.ByteBuffer;
      import java.nio.channels.SeekableByteChannel;
      import java.util.*;
      @org.pf4j.Extension
      public final class ToyFormat implements DiskFormat {
        static final byte[] MAGIC = "TOYDISK!".getBytes();
        public String name() { return "toy"; }
        public int probeLength() { return 8; }
        public boolean probe(ByteBuffer head) {
          if (head.remaining() < 8) return false;
          byte[] m = new byte[8]; head.get(m); return Arrays.equals(m, MAGIC);
        }
        static DiskInfo decode(ByteBuffer h) {
          if (h.remaining() < 17) throw new InvalidImageDataException("toy header truncated");
          long size = h.getLong(8);
          int flag = h.get(16);
          if (flag == 2) throw new InvalidImageDataException("toy header checksum mismatch");
          List<SafetyFinding> s = flag == 1 ? List.of(new SafetyFinding("parent_reference", "toy disk has a parent")) : List.of();
          return new DiskInfo("toy", size, Map.of("flag", flag), s);
        }
        public DiskInfo inspect(SeekableByteChannel c) {
          try { ByteBuffer b = ByteBuffer.allocate(17); while (b.hasRemaining() && c.read(b) >= 0) {} return decode(b.flip()); }
          catch (java.io.IOException e) { throw new StoreIOException(e.getMessage(), e); }
        }
        public StreamInspector streamInspector() {
          ByteBuffer b = ByteBuffer.allocate(17);
          return new StreamInspector() {
            public void update(ByteBuffer bytes) {
              while (b.hasRemaining() && bytes.hasRemaining()) b.put(bytes.get());
              bytes.position(bytes.limit());
            }
            public DiskInfo finish(long total) { return decode(b.duplicate().flip()); }
          };
        }
      }
      """;

  @BeforeAll
  static void setUp() throws IOException {
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    PluginJar.id("toy").source("toy.ToyFormat", TOY, true).writeTo(plugins);
    PluginJar.id("store").source("st.FolderStores",
        TestStores.folderStore("st", "FolderStores", "folder", "fold"), true).writeTo(plugins);
    config = Files.writeString(home.resolve("stowage.yaml"), """
        plugins: { dir: plugins }
        stores:
          a: { type: folder, dir: data }
        """);
  }

  static Path toy(String name, long virtualSize, int flag, int padding) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(17 + padding);
    b.put("TOYDISK!".getBytes()).putLong(virtualSize).put((byte) flag);
    return Files.write(home.resolve(name), b.array());
  }

  static long storedFiles() throws IOException {
    Path data = home.resolve("data");
    if (!Files.exists(data)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(data)) {
      return s.count();
    }
  }

  @Test
  void putReportsTheDetectedFormatAndVirtualSize() throws IOException {
    Path image = toy("safe.toy", 1L << 40, 0, 100_000);
    CliRun run = CliRun.run(config, "put", image.toString(), "--json");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    JsonNode r = run.json();
    assertThat(r.get("format").asText()).isEqualTo("toy");
    assertThat(r.get("virtual_size").asLong()).isEqualTo(1L << 40);
    assertThat(r.get("size").asLong()).isEqualTo(100_017);
  }

  @Test
  void rawImagesAreReportedAsRawWithTheirSize() throws IOException {
    Path image = Files.write(home.resolve("plain.img"), new byte[4097]);
    JsonNode r = CliRun.run(config, "put", image.toString(), "--json").json();
    assertThat(r.get("format").asText()).isEqualTo("raw");
    assertThat(r.get("virtual_size").asLong()).isEqualTo(4097);
    Path tiny = Files.write(home.resolve("tiny.img"), new byte[3]);
    assertThat(CliRun.run(config, "put", tiny.toString(), "--json").json().get("format").asText()).isEqualTo("raw");
  }

  @Test
  void unsafeAndCorruptImagesAreRefusedAndNothingIsStored() throws IOException {
    long before = storedFiles();
    CliRun parent = CliRun.run(config, "put", toy("child.toy", 4096, 1, 10).toString(), "--id", "child");
    assertThat(parent.exitCode()).isEqualTo(1);
    assertThat(parent.stderr()).isEqualTo("stowage: the toy image is unsafe (parent_reference: toy disk has a parent);"
        + " nothing was stored (--allow-unsafe stores it anyway)\n");
    CliRun corrupt = CliRun.run(config, "put", toy("bad.toy", 4096, 2, 10).toString(), "--id", "bad");
    assertThat(corrupt.exitCode()).isEqualTo(1);
    assertThat(corrupt.stderr()).contains("(corruption: toy header checksum mismatch)");
    Path truncated = Files.write(home.resolve("trunc.toy"), "TOYDISK!1234".getBytes());
    CliRun cut = CliRun.run(config, "put", truncated.toString(), "--id", "cut");
    assertThat(cut.stderr()).contains("(corruption: toy header truncated)");
    assertThat(storedFiles()).isEqualTo(before);

    CliRun allowed = CliRun.run(config, "put", home.resolve("child.toy").toString(), "--id", "child", "--allow-unsafe", "--json");
    assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
    assertThat(allowed.json().get("safety").get(0).get("check").asText()).isEqualTo("parent_reference");
    assertThat(home.resolve("data/child")).exists();
  }

  @Test
  void inspectReportsFindingsWithoutFailing() throws IOException {
    JsonNode safe = CliRun.run(config, "inspect", toy("i1.toy", 8192, 0, 0).toString(), "--json").json();
    assertThat(safe.get("format").asText()).isEqualTo("toy");
    assertThat(safe.get("virtual_size").asLong()).isEqualTo(8192);
    assertThat(safe.get("details").get("flag").asInt()).isZero();
    assertThat(safe.get("safety")).isEmpty();

    CliRun corrupt = CliRun.run(config, "inspect", toy("i2.toy", 8192, 2, 0).toString(), "--json");
    assertThat(corrupt.exitCode()).isZero();
    assertThat(corrupt.json().get("virtual_size").isNull()).isTrue();
    assertThat(corrupt.json().get("safety").get(0).get("check").asText()).isEqualTo("corruption");

    CliRun text = CliRun.run(config, "inspect", toy("i3.toy", 1, 1, 0).toString());
    assertThat(text.out()).contains("format: toy").contains("unsafe: parent_reference: toy disk has a parent");

    CliRun missing = CliRun.run(config, "inspect", home.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).isEqualTo("stowage: " + home.resolve("nope") + " does not exist\n");
  }

  @Test
  void convertOfARawFileCopiesItWithHoles() throws IOException {
    byte[] data = new byte[5 * 1024 * 1024 + 7];
    data[3] = 1;
    data[data.length - 1] = 9;
    Path in = Files.write(home.resolve("sparse.img"), data);
    Path out = home.resolve("sparse.raw");
    CliRun run = CliRun.run(config, "disk", "convert", "--to", "raw", in.toString(), out.toString());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(data);
    CliRun qcow = CliRun.run(config, "disk", "convert", "--to", "qcow2", in.toString(), out.toString());
    assertThat(qcow.exitCode()).isEqualTo(2);
    CliRun create = CliRun.run(config, "disk", "create", "--format", "nosuch", "--size", "1GiB", home.resolve("n.img").toString());
    assertThat(create.exitCode()).isEqualTo(1);
    assertThat(create.stderr()).startsWith("stowage: no plugin provides disk format \"nosuch\" (available: toy)");
    CliRun unsupported = CliRun.run(config, "disk", "create", "--format", "toy", "--size", "1GiB", home.resolve("n.img").toString());
    assertThat(unsupported.stderr()).isEqualTo("stowage: toy images cannot be created\n");
  }
}
