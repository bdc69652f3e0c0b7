package io.stowage.app;

/**
 * Sources of small plugins for host tests. {@link #MEMORY} is a store that keeps images in a
 * folder as plain files — just enough to route to; the real backends are tested in their own
 * modules.
 */
final class TestStores {
  private TestStores() {}

  /** A store type {@code NAME} with scheme {@code SCHEME}: {@code %1$s} class, {@code %2$s} type, {@code %3$s} scheme. */
  static String folderStore(String pkg, String cls, String type, String scheme) {
    return """
        package %1$s;

        import io.stowage.api.*; import io.stowage.api.store.*; import io.stowage.api.disk.*; import io.stowage.api.cache.*;
        import java.io.*;
        import java.net.URI;
        import java.nio.channels.*;
        import java.nio.file.*;
        import java.security.MessageDigest;
        import java.util.*;

        @org.pf4j.Extension
        public final class %2$s implements StoreProvider<%2$s.Config> {
          public record Config(String dir) {}
          public String type() { return "%3$s"; }
          public Class<Config> configType() { return Config.class; }
          public Store create(Config config, InstanceContext context) {
            String id = context.instanceId();
            if (config.dir() == null) throw new BadStoreConfigurationException("dir", "is required");
            Path dir = context.resolve(config.dir());
            return new Store() {
              public String id() { return id; }
              public Set<String> schemes() { return Set.of("%4$s"); }
              public Set<Capability> capabilities() { return EnumSet.of(Capability.READ, Capability.WRITE, Capability.DELETE); }
              public boolean owns(URI uri) { return id.equals(uri.getAuthority()); }
              public AddResult add(AddRequest r) {
                try {
                  Files.createDirectories(dir);
                  byte[] data = r.data().readAllBytes();
                  Path f = dir.resolve(r.imageId());
                  try { Files.write(f, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE); }
                  catch (FileAlreadyExistsException e) { throw new DuplicateException("image " + r.imageId() + " exists"); }
                  return new AddResult(Location.of(URI.create("%4$s://" + id + "/" + r.imageId()), id, Map.of("dir", dir.toString())),
                      data.length, hex(HashAlgorithm.MD5.newDigest().digest(data)),
                      new Multihash(r.hashAlgorithm(), hex(r.hashAlgorithm().newDigest().digest(data))));
                } catch (IOException e) { throw new StoreIOException(e.getMessage(), e); }
              }
              private Path file(Location l) { return dir.resolve(ImageIds.requireValid(l.uri().getPath().substring(1))); }
              public ImageData get(Location l, ByteRange range) {
                try {
                  FileChannel ch = FileChannel.open(file(l));
                  long size = ch.size();
                  return new ImageData() {
                    public long size() { return size; }
                    public ReadableByteChannel channel() { return ch; }
                    public void close() { try { ch.close(); } catch (IOException e) { } }
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
            };
          }
          static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
        }
        """.formatted(pkg, cls, type, scheme);
  }
}
