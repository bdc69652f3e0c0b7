package io.stowage.app;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Builds a real PF4J plugin jar at test time: Java sources compiled against the test class path
 * (store-api, PF4J), a plugin manifest and {@code META-INF/extensions.idx}.
 */
final class PluginJar {
  private final String id;
  private String version = "1.0.0";
  private String requires = ">=0.1.0";
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final List<String> extensions = new ArrayList<>();
  private final Map<String, byte[]> extraEntries = new LinkedHashMap<>();
  private boolean index = true;
  private final java.util.Set<String> omitted = new java.util.HashSet<>();

  private PluginJar(String id) {
    this.id = id;
  }

  static PluginJar id(String id) {
    return new PluginJar(id);
  }

  PluginJar version(String v) {
    this.version = v;
    return this;
  }

  PluginJar requires(String range) {
    this.requires = range;
    return this;
  }

  /** A class and whether it is an extension. */
  PluginJar source(String className, String code, boolean extension) {
    sources.put(className, code);
    if (extension) {
      extensions.add(className);
    }
    return this;
  }

  /** Leaves out {@code META-INF/extensions.idx}, as a build without PF4J's processor does. */
  PluginJar withoutIndex() {
    this.index = false;
    return this;
  }

  /** Compiles {@code className} but leaves it out of the jar: a half-built plugin. */
  PluginJar without(String className) {
    omitted.add(className.replace('.', '/') + ".class");
    return this;
  }

  PluginJar entry(String name, byte[] content) {
    extraEntries.put(name, content);
    return this;
  }

  Path writeTo(Path dir) throws IOException {
    return writeAs(dir.resolve(id + "-" + version + ".jar"));
  }

  /** Writes the jar as {@code jar}. */
  Path writeAs(Path jar) throws IOException {
    Path classes = Files.createTempDirectory("plugin-classes");
    compile(classes);
    Manifest manifest = new Manifest();
    Attributes a = manifest.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", id);
    a.putValue("Plugin-Version", version);
    a.putValue("Plugin-Requires", requires);
    a.putValue("Plugin-Provider", "tests");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      if (index) {
        out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
        out.write((String.join("\n", extensions) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      try (var walk = Files.walk(classes)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          String name = classes.relativize(p).toString().replace('\\', '/');
          if (omitted.contains(name)) {
            continue;
          }
          out.putNextEntry(new JarEntry(name));
          out.write(Files.readAllBytes(p));
        }
      }
      for (Map.Entry<String, byte[]> e : extraEntries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
      }
    }
    return jar;
  }

  private void compile(Path out) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, code) -> units.add(new SimpleJavaFileObject(
        URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    }));
    List<String> options = List.of("-d", out.toString(), "-classpath",
        System.getProperty("java.class.path"), "-proc:none", "--release", "17");
    java.io.StringWriter errors = new java.io.StringWriter();
    if (!javac.getTask(errors, null, null, options, null, units).call()) {
      throw new IllegalStateException("plugin sources do not compile:\n" + errors);
    }
  }
}
