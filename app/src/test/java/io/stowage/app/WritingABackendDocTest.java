package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * A new plugin author's path: the code blocks of {@code docs/writing-a-backend.md} marked with
 * {@code file=PATH} are written into an empty folder, and {@code mvn verify} builds them on
 * Maven's defaults (no settings but the local repository this build installs into). The build
 * must pass having run the store contract (over 100 tests), and the jar must be a plugin.
 */
class WritingABackendDocTest {
  private static final Pattern BLOCK =
      Pattern.compile("(?m)^```\\w+ file=(\\S+)\\n(.*?)^```$", Pattern.DOTALL);

  @TempDir static Path work;
  static Path project;
  static String buildLog;

  @BeforeAll
  static void buildTheDocsBackend() throws Exception {
    Path repo = Path.of(System.getProperty("stowage.test.repo", "..")).toAbsolutePath().normalize();
    Path doc = repo.resolve("docs/writing-a-backend.md");
    assumeTrue(Files.isRegularFile(doc), "docs/writing-a-backend.md not found from " + repo);
    assumeTrue(onPath("mvn"), "mvn is not on the PATH; cannot build the doc's backend");
    project = work.resolve("from-the-doc");
    Matcher m = BLOCK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
    List<String> files = new ArrayList<>();
    while (m.find()) {
      Path file = project.resolve(m.group(1));
      Files.createDirectories(file.getParent());
      Files.writeString(file, m.group(2));
      files.add(m.group(1));
    }
    assertThat(files).as("files the doc gives").contains("pom.xml").hasSizeGreaterThanOrEqualTo(4);
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "verify"));
    String m2 = System.getProperty("stowage.test.m2", "");
    if (!m2.isEmpty()) {
      command.add("-Dmaven.repo.local=" + m2);
    }
    Path log = work.resolve("build.log");
    Process build = new ProcessBuilder(command).directory(project.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(build.waitFor(15, TimeUnit.MINUTES)).as("the doc's build finished").isTrue();
    buildLog = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(build.exitValue()).as("mvn verify of the doc's backend failed:\n" + tail(buildLog))
        .isZero();
  }

  private static String tail(String log) {
    return log.length() > 8000 ? log.substring(log.length() - 8000) : log;
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  @Test
  void theContractRanInTheDocsBuild() throws Exception {
    int tests = 0;
    int failed = 0;
    int skipped = 0;
    try (Stream<Path> files = Files.list(project.resolve("target/surefire-reports"))) {
      for (Path xml : files.filter(p -> p.getFileName().toString().startsWith("TEST-")).toList()) {
        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(xml.toFile()).getDocumentElement();
        tests += Integer.parseInt(suite.getAttribute("tests"));
        failed += Integer.parseInt(suite.getAttribute("failures"))
            + Integer.parseInt(suite.getAttribute("errors"));
        skipped += Integer.parseInt(suite.getAttribute("skipped"));
      }
    }
    assertThat(failed).as("failed contract tests").isZero();
    assertThat(tests - skipped).as("contract tests that ran and passed").isGreaterThan(100);
  }

  @Test
  void theJarIsAPluginTheHostCanLoad() throws IOException {
    try (JarFile jar = new JarFile(project.resolve("target/dir-store-1.0.0.jar").toFile())) {
      assertThat(jar.getEntry("META-INF/extensions.idx")).as("META-INF/extensions.idx").isNotNull();
      assertThat(new String(jar.getInputStream(jar.getEntry("META-INF/extensions.idx"))
          .readAllBytes(), StandardCharsets.UTF_8)).contains("com.example.dirstore.DirStoreProvider");
      assertThat(jar.getEntry("io/stowage/api/store/Store.class")).as("a bundled SPI").isNull();
      Manifest manifest = jar.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Plugin-Id")).isEqualTo("dir-store");
      assertThat(manifest.getMainAttributes().getValue("Plugin-Version")).isEqualTo("1.0.0");
      assertThat(manifest.getMainAttributes().getValue("Plugin-Requires"))
          .isEqualTo(">=0.1.0 & <1.0.0");
      assertThat(manifest.getMainAttributes().getValue("Plugin-Provider")).isEqualTo("Example Corp");
    }
  }
}
