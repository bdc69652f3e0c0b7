package io.stowage.app;

/**
 * A store plugin that lets host tests watch the host from inside: it records (as files in its
 * folder) when {@code add} is reached and when the store is closed, runs a background task that
 * ticks into a file, checks the thread's context class loader on every call, takes its
 * capabilities and whether it claims its URIs from configuration, and gets a clock, the task
 * scheduler and a binding of its own Guice module injected.
 */
final class ProbeStores {
  private ProbeStores() {}

  static final String MODULE = """
      package probe;
      @org.pf4j.Extension
      public final class ProbeModule extends com.google.inject.AbstractModule
          implements io.stowage.api.ExtensionModule {
        @Override protected void configure() {
          bind(Greeting.class).toInstance(() -> "hello from the plugin's module");
        }
      }
      """;

  static final String GREETING = """
      package probe;
      public interface Greeting { String text(); }
      """;

  static final String PROVIDER = """
      package probe;

      import io.stowage.api.*; import io.stowage.api.store.*;
      import java.io.*;
      import java.net.URI;
      import java.nio.channels.*;
      import java.nio.file.*;
      import java.time.*;
      import java.util.*;

      @org.pf4j.Extension
      public final class ProbeStores implements StoreProvider<ProbeStores.Config> {
        public record Config(String dir, List<String> capabilities, boolean claims, boolean needsDir) {}
        private final Clock clock;
        private final TaskScheduler scheduler;
        private final Greeting greeting;

        @jakarta.inject.Inject
        public ProbeStores(Clock clock, TaskScheduler scheduler, Greeting greeting) {
          this.clock = clock; this.scheduler = scheduler; this.greeting = greeting;
        }
        public String type() { return "probe"; }
        public Class<Config> configType() { return Config.class; }

        static void checkLoader() {
          if (Thread.currentThread().getContextClassLoader() != ProbeStores.class.getClassLoader()) {
            throw new IllegalStateException("called outside the plugin's context class loader");
          }
        }
        static void mark(Path dir, String name) {
          try { Files.createDirectories(dir); Files.write(dir.resolve(name), new byte[1], StandardOpenOption.CREATE, StandardOpenOption.APPEND); }
          catch (IOException e) { throw new UncheckedIOException(e); }
        }

        public Store create(Config config, InstanceContext context) {
          String id = context.instanceId();
          checkLoader();
          Path dir = context.resolve(config.dir());
          if (config.needsDir() && !Files.isDirectory(dir)) {
            throw new BadStoreConfigurationException("dir", dir + " does not exist");
          }
          Set<Capability> caps = EnumSet.noneOf(Capability.class);
          for (String c : config.capabilities()) caps.add(Capability.valueOf(c.toUpperCase()));
          scheduler.repeatedly("tick", Duration.ZERO, Duration.ofMillis(5), () -> {
            mark(dir, Thread.currentThread().getContextClassLoader() == ProbeStores.class.getClassLoader() ? "ticks" : "bad-loader");
          });
          return new Store() {
            public String id() { checkLoader(); return id; }
            public Set<String> schemes() { return Set.of("probe"); }
            public Set<Capability> capabilities() { return caps; }
            public boolean owns(URI uri) { return config.claims() ? id.equals(uri.getAuthority()) : Store.super.owns(uri); }
            public AddResult add(AddRequest r) {
              checkLoader();
              mark(dir, "add-called");
              try {
                byte[] data = r.data().readAllBytes();
                r.progress().onProgress(data.length, r.declaredSize());
                Path f = dir.resolve(r.imageId());
                Files.write(f, data, StandardOpenOption.CREATE_NEW);
                return new AddResult(Location.of(URI.create("probe://" + id + "/" + r.imageId()), id,
                        Map.of("greeting", greeting.text(), "at", clock.instant().toString())),
                    data.length, hex(HashAlgorithm.MD5.newDigest().digest(data)),
                    new Multihash(r.hashAlgorithm(), hex(r.hashAlgorithm().newDigest().digest(data))));
              } catch (IOException e) { throw new StoreIOException(e.getMessage(), e); }
            }
            private Path file(Location l) { return dir.resolve(ImageIds.requireValid(l.uri().getPath().substring(1))); }
            public ImageData get(Location l, ByteRange range) {
              checkLoader();
              if (l.uri().getPath().equals("/npe")) { Object o = null; o.hashCode(); }
              try {
                byte[] all = Files.readAllBytes(file(l));
                int from = (int) range.offset();
                int to = range.length().isPresent() ? (int) Math.min(all.length, from + range.length().getAsLong()) : all.length;
                byte[] part = Arrays.copyOfRange(all, from, to);
                ReadableByteChannel ch = Channels.newChannel(new ByteArrayInputStream(part));
                return new ImageData() {
                  public long size() { return part.length; }
                  public ReadableByteChannel channel() { return ch; }
                  public void close() { checkLoader(); }
                };
              } catch (NoSuchFileException e) { throw new NotFoundException("no image at " + l); }
              catch (IOException e) { throw new StoreIOException(e.getMessage(), e); }
            }
            public long size(Location l) {
              try { return Files.size(file(l)); } catch (NoSuchFileException e) { throw new NotFoundException("no image at " + l); }
              catch (IOException e) { throw new StoreIOException(e.getMessage(), e); }
            }
            public void delete(Location l) {
              try { if (!Files.deleteIfExists(file(l))) throw new NotFoundException("no image at " + l); }
              catch (IOException e) { throw new StoreIOException(e.getMessage(), e); }
            }
            public void close() { checkLoader(); mark(dir, "closed"); }
          };
        }
        static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
      }
      """;
}
