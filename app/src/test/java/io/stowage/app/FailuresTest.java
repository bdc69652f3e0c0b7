package io.stowage.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.StowageException;
import io.stowage.app.service.Failures;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one table: every {@link StowageException} leaf store-api declares has the exit code and
 * HTTP status Glance uses; a leaf added to store-api without a row here fails this test.
 */
class FailuresTest {
  static final Map<String, Integer> STATUS = Map.ofEntries(
      Map.entry("NotFoundException", 404),
      Map.entry("DuplicateException", 409),
      Map.entry("LockedException", 409),
      Map.entry("StorageFullException", 413),
      Map.entry("SizeCapExceededException", 413),
      Map.entry("WriteDeniedException", 503),
      Map.entry("UnavailableException", 503),
      Map.entry("InvalidRequestException", 400),
      Map.entry("SizeMismatchException", 400),
      Map.entry("DataStreamException", 400),
      Map.entry("BadLocationException", 400),
      Map.entry("UnknownSchemeException", 400),
      Map.entry("UnsupportedStoreOperationException", 405),
      Map.entry("InvalidImageDataException", 415),
      Map.entry("BadStoreConfigurationException", 500),
      Map.entry("StoreIOException", 500),
      Map.entry("PluginFailureException", 500));

  @Test
  void everyLeafHasItsRow() throws Exception {
    Map<String, Integer> found = new TreeMap<>();
    for (Class<? extends StowageException> leaf : leaves()) {
      StowageException e = instance(leaf);
      assertThat(Failures.exitCode(e)).as(leaf.getName()).isEqualTo(1);
      assertThat(Failures.message(e)).as(leaf.getName()).isEqualTo("first line");
      found.put(leaf.getSimpleName(), Failures.httpStatus(e));
    }
    assertThat(found).isEqualTo(new TreeMap<>(STATUS));
  }

  @Test
  void anythingElseIsAnInternalErrorOnOneLine() {
    IllegalStateException bug = new IllegalStateException("broken\nsecond line");
    assertThat(Failures.httpStatus(bug)).isEqualTo(500);
    assertThat(Failures.exitCode(bug)).isEqualTo(1);
    assertThat(Failures.message(bug)).isEqualTo("internal error: IllegalStateException: broken");
  }

  // Every concrete StowageException in store-api, found on disk, so a new leaf cannot hide.
  @SuppressWarnings("unchecked")
  private static Iterable<Class<? extends StowageException>> leaves() throws IOException, URISyntaxException {
    Path root = Path.of(StowageException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    java.util.List<Class<? extends StowageException>> out = new java.util.ArrayList<>();
    try (Stream<Path> files = root.toString().endsWith(".jar")
        ? jarEntries(root) : Files.walk(root).map(p -> root.relativize(p))) {
      for (String name : files.map(Path::toString).filter(n -> n.endsWith("Exception.class")).toList()) {
        String cls = name.replace('/', '.').replaceAll("\\.class$", "");
        try {
          Class<?> c = Class.forName(cls);
          if (StowageException.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
            assertThat(Modifier.isFinal(c.getModifiers())).as(cls + " is final").isTrue();
            out.add((Class<? extends StowageException>) c);
          }
        } catch (ClassNotFoundException e) {
          throw new AssertionError(cls, e);
        }
      }
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(16);
    return out;
  }

  private static Stream<Path> jarEntries(Path jar) throws IOException {
    java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile());
    return file.stream().map(e -> Path.of(e.getName())).onClose(() -> {
      try {
        file.close();
      } catch (IOException ignored) {
        // read-only
      }
    });
  }

  private static StowageException instance(Class<? extends StowageException> leaf) throws Exception {
    for (var c : leaf.getConstructors()) {
      Class<?>[] types = c.getParameterTypes();
      Object[] args = new Object[types.length];
      boolean messageSet = false;
      for (int i = 0; i < types.length; i++) {
        if (types[i] == String.class) {
          args[i] = messageSet || types.length == 3 && i == 0 ? "plugin" : "first line\nsecond";
          messageSet |= args[i].equals("first line\nsecond");
        } else if (types[i] == Throwable.class) {
          args[i] = new RuntimeException("cause");
        } else if (types[i] == long.class) {
          args[i] = 0L;
        } else {
          args[i] = null;
        }
      }
      if (messageSet) {
        return (StowageException) c.newInstance(args);
      }
    }
    throw new AssertionError("no constructor with a message: " + leaf);
  }
}
