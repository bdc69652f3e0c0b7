package io.stowage.tck.selftest;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DataStreamException;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.ImageIds;
import io.stowage.api.store.Location;
import io.stowage.api.Multihash;
import io.stowage.api.NotFoundException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.SizeMismatchException;
import io.stowage.api.store.Store;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A small file store the kit tests itself against: one file per image under {@code images/},
 * written to {@code tmp/} first and linked into place. Correct when built without defects; each
 * {@link Defect} breaks it in one way the kit must notice.
 */
final class SimpleFileStore implements Store {
  static final String SCHEME = "tckfile";

  /** Ways to break this store on purpose, each with the contract test that must catch it. */
  enum Defect {
    /** Publishes the data before finding that it does not match the declared size. */
    KEEPS_DATA_OF_A_SIZE_MISMATCH("aDeclaredSizeTheStreamDoesNotMatchIsRefusedAndNothingKept"),
    /** Leaves its temporary file behind when the stream fails. */
    LEAVES_TEMP_FILE_ON_STREAM_FAILURE("aStreamThatFailsMidwayIsADataStreamErrorAndNothingKept"),
    /** Leaves the last buffer out of the md5. */
    WRONG_MD5("roundTripsBytesAndHashes"),
    /** Reads from the offset to the end, whatever the range's length. */
    IGNORES_RANGE_LENGTH("readsARange"),
    /** Checks for a duplicate only before reading, then replaces whatever got there meanwhile. */
    RACY_DUPLICATE_CHECK("concurrentAddsOfOneIdEndWithOneSuccess"),
    /** Turns a location's path into a file name without checking it. */
    TRUSTS_LOCATION_PATHS("hostileLocationsFindNothingAndHarmNothing"),
    /** Never looks at the size cap. */
    IGNORES_SIZE_CAP("dataPastTheSizeCapIsRefusedAndNothingKept"),
    /** Reports a stream failure as an I/O error of the store. */
    MISREPORTS_STREAM_FAILURE("aStreamThatFailsMidwayIsADataStreamErrorAndNothingKept"),
    /** Writes straight into the image's file, readable before it is complete. */
    WRITES_IN_PLACE("nothingIsReadableWhileAnAddIsInFlight");

    final String caughtBy;

    Defect(String caughtBy) {
      this.caughtBy = caughtBy;
    }
  }

  private final String id;
  private final Path images;
  private final Path tmp;
  private final Set<Defect> defects;

  SimpleFileStore(String id, Path dir, Set<Defect> defects) {
    this.id = id;
    this.images = dir.resolve("images");
    this.tmp = dir.resolve("tmp");
    this.defects = defects.isEmpty() ? EnumSet.noneOf(Defect.class) : EnumSet.copyOf(defects);
    try {
      Files.createDirectories(images);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new StoreIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
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
    Path target = images.resolve(fileName(request.imageId()));
    if (Files.exists(target)) {
      throw duplicate(request.imageId());
    }
    boolean inPlace = defects.contains(Defect.WRITES_IN_PLACE);
    Path temp = inPlace ? target : tmp.resolve(UUID.randomUUID().toString());
    boolean published = false;
    try {
      Written written = write(request, temp);
      checkSize(request, written.size, temp, target);
      if (!inPlace) {
        publish(request.imageId(), temp, target);
      }
      published = true;
      return new AddResult(
          location(request.imageId()), written.size, written.md5, written.multihash);
    } finally {
      if (!published && !(keepsTempOnFailure() && Files.exists(temp))) {
        deleteQuietly(temp);
      }
    }
  }

  private boolean keepsTempOnFailure() {
    return defects.contains(Defect.LEAVES_TEMP_FILE_ON_STREAM_FAILURE);
  }

  private record Written(long size, String md5, Multihash multihash) {}

  private Written write(AddRequest request, Path temp) {
    MessageDigest md5 = digest("MD5");
    MessageDigest multihash = request.hashAlgorithm().newDigest();
    long cap = defects.contains(Defect.IGNORES_SIZE_CAP) ? Long.MAX_VALUE : request.sizeCap();
    long limit = Math.min(cap, request.declaredSize().orElse(Long.MAX_VALUE));
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(temp)) {
      InputStream in = request.data();
      while (true) {
        int n = readSome(in, buffer);
        if (n < 0) {
          break;
        }
        total += n;
        if (total > limit && !defects.contains(Defect.KEEPS_DATA_OF_A_SIZE_MISMATCH)) {
          break;
        }
        out.write(buffer, 0, n);
        if (!(defects.contains(Defect.WRONG_MD5) && n < buffer.length)) {
          md5.update(buffer, 0, n);
        }
        multihash.update(buffer, 0, n);
        request.progress().onProgress(total, request.declaredSize());
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot write " + temp + ": " + e.getMessage(), e);
    }
    if (total > cap) {
      throw new SizeCapExceededException(
          "image " + request.imageId() + " exceeds the size cap of " + cap + " bytes");
    }
    if (total == 0) {
      request.progress().onProgress(0, request.declaredSize());
    }
    HexFormat hex = HexFormat.of();
    return new Written(total, hex.formatHex(md5.digest()),
        new Multihash(request.hashAlgorithm(), hex.formatHex(multihash.digest())));
  }

  private int readSome(InputStream in, byte[] buffer) {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      if (defects.contains(Defect.MISREPORTS_STREAM_FAILURE)) {
        throw new StoreIOException("reading failed: " + e.getMessage(), e);
      }
      throw new DataStreamException("the image data stream failed: " + e.getMessage(), e);
    }
  }

  private void checkSize(AddRequest request, long size, Path temp, Path target) {
    if (request.declaredSize().isEmpty() || request.declaredSize().getAsLong() == size) {
      return;
    }
    if (defects.contains(Defect.KEEPS_DATA_OF_A_SIZE_MISMATCH)) {
      publish(request.imageId(), temp, target);
    }
    throw new SizeMismatchException("image " + request.imageId() + " was declared as "
        + request.declaredSize().getAsLong() + " bytes but the stream had "
        + (size > request.declaredSize().getAsLong() ? "more" : size));
  }

  private void publish(String imageId, Path temp, Path target) {
    try {
      if (defects.contains(Defect.RACY_DUPLICATE_CHECK)) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // A hard link fails if the name is taken, so one of two racing adds wins.
        Files.createLink(target, temp);
        Files.delete(temp);
      }
    } catch (FileAlreadyExistsException e) {
      throw duplicate(imageId);
    } catch (IOException e) {
      throw new StoreIOException("cannot store " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ImageData get(Location location, ByteRange range) {
    Path file = file(location);
    try {
      FileChannel channel = FileChannel.open(file);
      try {
        long size = channel.size();
        long length = defects.contains(Defect.IGNORES_RANGE_LENGTH)
            ? ByteRange.from(range.offset()).lengthWithin(size)
            : range.lengthWithin(size);
        channel.position(range.offset());
        return new FileImageData(channel, length);
      } catch (RuntimeException | IOException e) {
        channel.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw notFound(location);
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long size(Location location) {
    try {
      return Files.size(file(location));
    } catch (NoSuchFileException e) {
      throw notFound(location);
    } catch (IOException e) {
      throw new StoreIOException("cannot stat " + location + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(Location location) {
    try {
      Files.delete(file(location));
    } catch (NoSuchFileException e) {
      throw notFound(location);
    } catch (IOException e) {
      throw new StoreIOException("cannot delete " + location + ": " + e.getMessage(), e);
    }
  }

  private Location location(String imageId) {
    try {
      return Location.of(new URI(SCHEME, null, "/" + imageId, null), id, Map.of());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path file(Location location) {
    if (!location.scheme().equals(SCHEME) || location.uri().getPath() == null
        || !location.uri().getPath().startsWith("/")) {
      throw new BadLocationException("not a " + SCHEME + ":/ location: " + location);
    }
    String imageId = location.uri().getPath().substring(1);
    if (defects.contains(Defect.TRUSTS_LOCATION_PATHS)
        && Files.isRegularFile(images.resolve(imageId).normalize())) {
      return images.resolve(imageId).normalize();
    }
    Path file = images.resolve(fileName(ImageIds.requireValid(imageId)));
    if (!Files.isRegularFile(file)) {
      throw notFound(location);
    }
    return file;
  }

  /** A file name for an id: safe bytes as they are, the rest escaped, long ones hashed. */
  private static String fileName(String imageId) {
    StringBuilder name = new StringBuilder("i-");
    for (byte b : imageId.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (safe) {
        name.append(c);
      } else {
        name.append('%').append(HexFormat.of().toHexDigits(b));
      }
    }
    if (name.length() <= 200) {
      return name.toString();
    }
    byte[] hash = digest("SHA-256").digest(imageId.getBytes(StandardCharsets.UTF_8));
    return "h-" + HexFormat.of().formatHex(hash);
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DuplicateException duplicate(String imageId) {
    return new DuplicateException("image " + imageId + " is already stored");
  }

  private static NotFoundException notFound(Location location) {
    return new NotFoundException("no image at " + location);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The add already failed; its error says more than this one.
    }
  }

  /** {@code length} bytes of an open file from its current position. */
  private static final class FileImageData implements ImageData, ReadableByteChannel {
    private final FileChannel file;
    private final long length;
    private long left;

    FileImageData(FileChannel file, long length) {
      this.file = file;
      this.length = length;
      this.left = length;
    }

    @Override
    public long size() {
      return length;
    }

    @Override
    public ReadableByteChannel channel() {
      return this;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int limit = target.limit();
      if (target.remaining() > left) {
        target.limit(target.position() + (int) left);
      }
      try {
        int n = file.read(target);
        if (n > 0) {
          left -= n;
        }
        return n;
      } finally {
        target.limit(limit);
      }
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() {
      try {
        file.close();
      } catch (IOException e) {
        throw new StoreIOException("cannot close: " + e.getMessage(), e);
      }
    }
  }
}
