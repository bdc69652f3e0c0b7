package com.example.gzipstore;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.ImageIds;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.IoFailures;
import io.stowage.api.store.ImageMeter;
import io.stowage.api.store.Location;
import io.stowage.api.NotFoundException;
import io.stowage.api.store.Store;
import io.stowage.api.UnsupportedStoreOperationException;
import java.io.DataInputStream;
import java.io.FilterOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Images as {@code <dir>/<sha256 of the id>.gz}: an 8-byte big-endian size, then the gzip
 * stream. (Naming files by a hash of the id keeps any legal id, however long or odd, a valid
 * file name.) Locations are {@code gzfile://<store id>/<image id>}, so several gzip stores can
 * share the scheme. Writes go to a hidden temporary file that is linked under the final name
 * only when complete.
 */
final class GzipStore implements Store {
  private static final int BUFFER = 64 * 1024;

  private final String id;
  private final Path dir;
  private final int level;

  GzipStore(String id, Path dir, int level) {
    this.id = id;
    this.dir = dir;
    this.level = level;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("gzfile");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.READ, Capability.WRITE, Capability.DELETE);
  }

  @Override
  public boolean owns(URI uri) {
    return id.equals(uri.getAuthority());
  }

  @Override
  public AddResult add(AddRequest request) {
    Path target = fileOf(request.imageId());
    if (Files.exists(target)) {
      throw new DuplicateException("image " + request.imageId() + " already exists in store " + id);
    }
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = dir.resolve("." + UUID.randomUUID() + ".tmp");
      ImageMeter.Reading reading;
      try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        file.position(Long.BYTES);
        // Closing the gzip stream must not close the file: the size header is written last.
        OutputStream raw = new FilterOutputStream(Channels.newOutputStream(file)) {
          @Override
          public void close() throws IOException {
            flush();
          }
        };
        try (GZIPOutputStream gzip = new LeveledGzip(raw, level)) {
          // The meter reads the request, checks sizes, hashes and reports progress; this store
          // only compresses what it is given.
          WritableByteChannel compressed = Channels.newChannel(gzip);
          reading = ImageMeter.copy(request, (block, position) -> {
            while (block.hasRemaining()) {
              compressed.write(block);
            }
          });
          gzip.finish();
        }
        file.write(ByteBuffer.allocate(Long.BYTES).putLong(0, reading.size()), 0);
        file.force(true);
      }
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new DuplicateException("image " + request.imageId() + " already exists in store " + id);
      }
      return reading.resultAt(Location.of(uriOf(request.imageId()), id, Map.of()));
    } catch (IOException e) {
      // A full disk is StorageFullException, a denied write WriteDeniedException: the host
      // answers each as Glance does (413, 503).
      throw IoFailures.onWrite("gzip store " + id + " cannot write " + request.imageId(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a leftover hidden temporary file is harmless
        }
      }
    }
  }

  private URI uriOf(String imageId) {
    try {
      return new URI("gzfile", id, "/" + imageId, null);
    } catch (URISyntaxException e) {
      throw new BadLocationException("image id " + imageId + " makes no URI: " + e.getMessage());
    }
  }

  private Path fileOf(Location location) {
    URI uri = location.uri();
    if (!"gzfile".equals(location.scheme()) || !id.equals(uri.getAuthority()) || uri.getPath() == null
        || !uri.getPath().startsWith("/")) {
      throw new BadLocationException(uri + " is not a location of gzip store " + id);
    }
    String imageId = uri.getPath().substring(1);
    try {
      ImageIds.requireValid(imageId);
    } catch (InvalidRequestException e) {
      throw new BadLocationException(uri + " does not name a valid image: " + e.getMessage());
    }
    return fileOf(imageId);
  }

  private Path fileOf(String imageId) {
    // A hash of the id (not of image data) keeps any legal id, however long, a valid file name.
    byte[] hash = io.stowage.api.HashAlgorithm.SHA256.newDigest()
        .digest(imageId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return dir.resolve(HexFormat.of().formatHex(hash) + ".gz");
  }

  @Override
  public ImageData get(Location location, ByteRange range) {
    if (!range.isAll()) {
      throw new UnsupportedStoreOperationException("gzip store " + id + " cannot read ranges");
    }
    Path file = fileOf(location);
    try {
      InputStream raw = Files.newInputStream(file);
      long size = new DataInputStream(raw).readLong();
      ReadableByteChannel channel = Channels.newChannel(new GZIPInputStream(raw, BUFFER));
      return new ImageData() {
        @Override
        public long size() {
          return size;
        }

        @Override
        public ReadableByteChannel channel() {
          return channel;
        }

        @Override
        public void close() {
          try {
            channel.close();
          } catch (IOException ignored) {
            // nothing left to release
          }
        }
      };
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no image at " + location);
    } catch (IOException e) {
      throw IoFailures.onRead("cannot read " + location, e);
    }
  }

  @Override
  public long size(Location location) {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(fileOf(location)))) {
      return in.readLong();
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no image at " + location);
    } catch (IOException e) {
      throw IoFailures.onRead("cannot read " + location, e);
    }
  }

  @Override
  public void delete(Location location) {
    try {
      if (!Files.deleteIfExists(fileOf(location))) {
        throw new NotFoundException("no image at " + location);
      }
    } catch (IOException e) {
      throw IoFailures.onWrite("cannot delete " + location, e);
    }
  }

  /** GZIPOutputStream with a chosen compression level. */
  private static final class LeveledGzip extends GZIPOutputStream {
    LeveledGzip(OutputStream out, int level) throws IOException {
      super(out, BUFFER);
      def.setLevel(level);
    }
  }
}
