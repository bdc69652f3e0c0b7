package io.stowage.tck.selftest;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DataStreamException;
import io.stowage.api.DuplicateException;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.ImageData;
import io.stowage.api.ImageIds;
import io.stowage.api.store.Location;
import io.stowage.api.Multihash;
import io.stowage.api.NotFoundException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A correct store that keeps images in memory: the kit must not assume files. */
final class InMemoryStore implements Store {
  static final String SCHEME = "tckmem";

  private final String id;
  private final ConcurrentMap<String, byte[]> images = new ConcurrentHashMap<>();

  InMemoryStore(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  @Override
  public boolean owns(URI uri) {
    return SCHEME.equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/");
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.READ, Capability.RANGED_READ, Capability.WRITE, Capability.DELETE);
  }

  @Override
  public AddResult add(AddRequest request) {
    String imageId = request.imageId();
    if (images.containsKey(imageId)) {
      throw new DuplicateException("image " + imageId + " is already stored");
    }
    byte[] data = read(request);
    if (images.putIfAbsent(imageId, data) != null) {
      throw new DuplicateException("image " + imageId + " is already stored");
    }
    HexFormat hex = HexFormat.of();
    MessageDigest multihash = request.hashAlgorithm().newDigest();
    return new AddResult(location(imageId), data.length,
        hex.formatHex(HashAlgorithm.MD5.newDigest().digest(data)),
        new Multihash(request.hashAlgorithm(), hex.formatHex(multihash.digest(data))));
  }

  private static byte[] read(AddRequest request) {
    long declared = request.declaredSize().orElse(-1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[32 * 1024];
    long total = 0;
    while (true) {
      int n;
      try {
        n = request.data().read(buffer);
      } catch (IOException e) {
        throw new DataStreamException("the image data stream failed: " + e.getMessage(), e);
      }
      if (n < 0) {
        break;
      }
      total += n;
      if (total > request.sizeCap()) {
        throw new SizeCapExceededException("image exceeds the size cap of " + request.sizeCap());
      }
      if (declared >= 0 && total > declared) {
        throw new SizeMismatchException("image is longer than its declared " + declared + " bytes");
      }
      out.write(buffer, 0, n);
      request.progress().onProgress(total, request.declaredSize());
    }
    if (declared >= 0 && total != declared) {
      throw new SizeMismatchException(
          "image has " + total + " bytes but was declared as " + declared);
    }
    if (total == 0) {
      request.progress().onProgress(0, request.declaredSize());
    }
    return out.toByteArray();
  }

  @Override
  public ImageData get(Location location, ByteRange range) {
    byte[] data = image(location);
    long length = range.lengthWithin(data.length);
    ReadableByteChannel channel = Channels.newChannel(
        new ByteArrayInputStream(data, (int) range.offset(), (int) length));
    return new ImageData() {
      @Override
      public long size() {
        return length;
      }

      @Override
      public ReadableByteChannel channel() {
        return channel;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public long size(Location location) {
    return image(location).length;
  }

  @Override
  public void delete(Location location) {
    String imageId = imageId(location);
    if (images.remove(imageId) == null) {
      throw new NotFoundException("no image at " + location);
    }
  }

  private byte[] image(Location location) {
    byte[] data = images.get(imageId(location));
    if (data == null) {
      throw new NotFoundException("no image at " + location);
    }
    return data;
  }

  private Location location(String imageId) {
    try {
      return Location.of(new URI(SCHEME, null, "/" + imageId, null), id, Map.of());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String imageId(Location location) {
    String path = location.uri().getPath();
    if (!location.scheme().equals(SCHEME) || path == null || !path.startsWith("/")) {
      throw new BadLocationException("not a " + SCHEME + ":/ location: " + location);
    }
    return ImageIds.requireValid(path.substring(1));
  }
}
