package io.stowage.tck.selftest;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.BadLocationException;
import io.stowage.api.ByteRange;
import io.stowage.api.store.Capability;
import io.stowage.api.DataStreamException;
import io.stowage.api.DuplicateException;
import io.stowage.api.ImageData;
import io.stowage.api.HashAlgorithm;
import io.stowage.api.ImageIds;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.LockedException;
import io.stowage.api.UnsupportedStoreOperationException;
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
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.nio.channels.Channels;
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

  /**
   * Ways to break this store on purpose, each with the contract tests that must catch it.
   * Together they cover every test of the contract (BrokenStoresTest checks both).
   */
  enum Defect {
    /** Publishes the data before finding that it does not match the declared size. */
    KEEPS_DATA_OF_A_SIZE_MISMATCH("aDeclaredSizeTheStreamDoesNotMatchIsRefusedAndNothingKept"),
    /** Leaves its temporary file behind when the stream fails. */
    LEAVES_TEMP_FILE_ON_STREAM_FAILURE("aStreamThatFailsMidwayIsADataStreamErrorAndNothingKept",
        "aFailedAddLeavesNothingForTheNextStoreOverTheDir"),
    /** Leaves the last buffer out of the md5. */
    WRONG_MD5("roundTripsBytesAndHashes"),
    /** Computes sha512 whatever algorithm is asked for, and labels it as asked. */
    IGNORES_HASH_ALGORITHM("multihashUsesTheRequestedAlgorithm", "roundTripsBytesAndHashes"),
    /** Cannot compute SHA-3 and quietly computes sha512 instead. */
    SHA3_FALLS_BACK_TO_SHA512("everyHashAlgorithmIsComputedAsAskedOrRefusedBeforeReading"),
    /** Reads from the offset to the end, whatever the range's length. */
    IGNORES_RANGE_LENGTH("readsARange"),
    /** Serves an empty read for a range that starts past the end. */
    CLAMPS_RANGE_START("aRangeStartingPastTheEndIsInvalid", "rangesAtTheEndFollowByteRange"),
    /** Checks for a duplicate only before reading, then replaces whatever got there meanwhile. */
    RACY_DUPLICATE_CHECK("concurrentAddsOfOneIdEndWithOneSuccess"),
    /** Never checks for a duplicate: a second add replaces the first. */
    REPLACES_A_STORED_ID("refusesADuplicateIdAndKeepsTheOriginal"),
    /** Allows one add at a time and refuses the others while it runs. */
    ONE_ADD_AT_A_TIME("concurrentAddsOfDifferentIdsAllSucceed"),
    /** Reads through one channel per image, shared by every open read. */
    SHARES_ONE_CHANNEL_PER_IMAGE("concurrentReadsOfOneImageAgree"),
    /** Turns a location's path into a file name without checking it. */
    TRUSTS_LOCATION_PATHS("hostileLocationsFindNothingAndHarmNothing"),
    /** Takes any location's path as an image id, whatever its scheme. */
    IGNORES_SCHEME("aLocationOfAnotherSchemeIsABadLocation"),
    /** Answers a missing image with an empty one. */
    MISSING_IMAGE_READS_AS_EMPTY("aMissingImageIsNotFound"),
    /** Never looks at the size cap. */
    IGNORES_SIZE_CAP("dataPastTheSizeCapIsRefusedAndNothingKept"),
    /** Refuses data of exactly the cap, as if the cap were exclusive. */
    REFUSES_DATA_AT_THE_CAP("dataExactlyAtTheSizeCapIsStored"),
    /** Reads the whole stream before looking at the size cap. */
    CHECKS_THE_CAP_AT_THE_END("stopsReadingSoonAfterTheSizeCap"),
    /** Reports a stream failure as an I/O error of the store. */
    MISREPORTS_STREAM_FAILURE("aStreamThatFailsMidwayIsADataStreamErrorAndNothingKept"),
    /** Writes straight into the image's file, readable before it is complete. */
    WRITES_IN_PLACE("nothingIsReadableWhileAnAddIsInFlight"),
    /** Declares a read-only store but reads the whole stream before refusing the add. */
    READ_ONLY_READS_THE_STREAM("aReadOnlyStoreRefusesAddsWithoutReading"),
    /** Declares ranged reads but not reads. */
    DECLARES_RANGES_WITHOUT_READ("describesItself"),
    /** Refuses ids longer than 200 characters. */
    LIMITS_IDS_TO_200_CHARACTERS("acceptsTheLongestId"),
    /** Finds an id too long for a file name only after writing, and leaves the data behind. */
    FAILS_LONG_NAMES_AFTER_WRITING("theLongestIdInMultiByteCharactersIsStoredOrRefusedCleanly"),
    /** Names files by the lowercased id. */
    FOLDS_CASE_IN_FILE_NAMES("idsThatLookAlikeAreDifferentImages"),
    /** Replaces every character it does not like in a file name with '_'. */
    COLLAPSES_ODD_CHARACTERS("keepsLegalIdsApart"),
    /** Keeps the deleted ids taken until the store is reopened. */
    DELETE_KEEPS_THE_ID_TAKEN("deleteRemovesTheImageAndFreesItsId"),
    /** Leaves empty images in place on delete. */
    DELETE_SKIPS_EMPTY_IMAGES("deletesAnEmptyImage"),
    /** Keeps its images under a folder named afresh by each instance. */
    FORGETS_IMAGES_ON_REOPEN("imagesSurviveReopening"),
    /** Finds an image by the location's metadata only, so its URI alone reads nothing. */
    READS_BY_METADATA_ONLY("readsBackFromTheLocationsUriText"),
    /** Closes the caller's stream after reading it. */
    CLOSES_THE_STREAM("readsTheStreamToItsEndAndLeavesItOpen"),
    /** Does not report the last bytes it wrote. */
    SKIPS_THE_LAST_PROGRESS_REPORT("reportsProgressUpToTheSize"),
    /** Refuses an image of no bytes. */
    REFUSES_EMPTY_IMAGES("storesAnEmptyImage"),
    /** Takes a read shorter than its buffer for the end of the stream. */
    TAKES_A_SHORT_READ_FOR_THE_END("storesDataFromAStreamGivingShortReads"),
    /** Refuses data whose size is not declared. */
    REQUIRES_A_DECLARED_SIZE("storesDataOfUnknownSize"),
    /** Locates any id, stored or not. */
    LOCATES_ANY_ID("locatesWhatItStoredIfItCan");

    final Set<String> caughtBy;

    Defect(String... caughtBy) {
      this.caughtBy = Set.of(caughtBy);
    }
  }

  private final String id;
  private final Path images;
  private final Path tmp;
  private final Set<Defect> defects;
  private final ReentrantLock addLock = new ReentrantLock();
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final Map<Path, FileChannel> shared = new ConcurrentHashMap<>();

  SimpleFileStore(String id, Path dir, Set<Defect> defects) {
    this.id = id;
    this.defects = defects.isEmpty() ? EnumSet.noneOf(Defect.class) : EnumSet.copyOf(defects);
    this.images = has(Defect.FORGETS_IMAGES_ON_REOPEN)
        ? dir.resolve("images").resolve(UUID.randomUUID().toString()) : dir.resolve("images");
    this.tmp = dir.resolve("tmp");
    try {
      Files.createDirectories(images);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new StoreIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  private boolean has(Defect defect) {
    return defects.contains(defect);
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
    if (has(Defect.READ_ONLY_READS_THE_STREAM)) {
      return EnumSet.of(Capability.READ, Capability.RANGED_READ, Capability.DELETE);
    }
    if (has(Defect.DECLARES_RANGES_WITHOUT_READ)) {
      return EnumSet.of(Capability.RANGED_READ, Capability.WRITE, Capability.DELETE);
    }
    return EnumSet.of(Capability.READ, Capability.RANGED_READ, Capability.WRITE, Capability.DELETE);
  }

  @Override
  public AddResult add(AddRequest request) {
    if (has(Defect.READ_ONLY_READS_THE_STREAM)) {
      try {
        request.data().readAllBytes();
      } catch (IOException e) {
        throw new DataStreamException("the image data stream failed: " + e.getMessage(), e);
      }
      throw new UnsupportedStoreOperationException("store " + id + " is read-only");
    }
    if (has(Defect.REQUIRES_A_DECLARED_SIZE) && request.declaredSize().isEmpty()) {
      throw new InvalidRequestException("the size of the image must be declared");
    }
    if (has(Defect.LIMITS_IDS_TO_200_CHARACTERS) && request.imageId().length() > 200) {
      throw new InvalidRequestException("image id is longer than 200 characters");
    }
    if (has(Defect.ONE_ADD_AT_A_TIME) && !addLock.tryLock()) {
      throw new LockedException("another add is in progress");
    }
    try {
      return addUnlocked(request);
    } finally {
      if (addLock.isHeldByCurrentThread()) {
        addLock.unlock();
      }
    }
  }

  private AddResult addUnlocked(AddRequest request) {
    Path target = images.resolve(fileName(request.imageId()));
    if ((Files.exists(target) && !has(Defect.REPLACES_A_STORED_ID))
        || deleted.contains(request.imageId())) {
      throw duplicate(request.imageId());
    }
    boolean inPlace = has(Defect.WRITES_IN_PLACE);
    Path temp = inPlace ? target : tmp.resolve(UUID.randomUUID().toString());
    boolean published = false;
    try {
      Written written = write(request, temp);
      if (has(Defect.FAILS_LONG_NAMES_AFTER_WRITING)
          && request.imageId().getBytes(StandardCharsets.UTF_8).length > 200) {
        published = true; // the temporary file stays behind
        throw new StoreIOException("cannot name a file for " + request.imageId());
      }
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
    return has(Defect.LEAVES_TEMP_FILE_ON_STREAM_FAILURE);
  }

  private record Written(long size, String md5, Multihash multihash) {}

  private Written write(AddRequest request, Path temp) {
    HashAlgorithm algorithm = request.hashAlgorithm();
    if (has(Defect.IGNORES_HASH_ALGORITHM)
        || (has(Defect.SHA3_FALLS_BACK_TO_SHA512) && algorithm.name().startsWith("sha3"))) {
      algorithm = HashAlgorithm.SHA512;
    }
    HashAlgorithm label = has(Defect.IGNORES_HASH_ALGORITHM) ? request.hashAlgorithm() : algorithm;
    MessageDigest md5 = digest("MD5");
    MessageDigest multihash = algorithm.newDigest();
    long cap = has(Defect.IGNORES_SIZE_CAP) ? Long.MAX_VALUE
        : has(Defect.REFUSES_DATA_AT_THE_CAP) ? request.sizeCap() - 1 : request.sizeCap();
    long limit = Math.min(has(Defect.CHECKS_THE_CAP_AT_THE_END) ? Long.MAX_VALUE : cap,
        request.declaredSize().orElse(Long.MAX_VALUE));
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
        if (total > limit && !has(Defect.KEEPS_DATA_OF_A_SIZE_MISMATCH)) {
          break;
        }
        out.write(buffer, 0, n);
        if (!(has(Defect.WRONG_MD5) && n < buffer.length)) {
          md5.update(buffer, 0, n);
        }
        multihash.update(buffer, 0, n);
        if (!(has(Defect.SKIPS_THE_LAST_PROGRESS_REPORT) && n < buffer.length)) {
          request.progress().onProgress(total, request.declaredSize());
        }
        if (has(Defect.TAKES_A_SHORT_READ_FOR_THE_END) && n < buffer.length) {
          break;
        }
      }
      if (has(Defect.CLOSES_THE_STREAM)) {
        in.close();
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot write " + temp + ": " + e.getMessage(), e);
    }
    if (total > cap) {
      throw new SizeCapExceededException(
          "image " + request.imageId() + " exceeds the size cap of " + cap + " bytes");
    }
    if (total == 0) {
      if (has(Defect.REFUSES_EMPTY_IMAGES)) {
        throw new InvalidRequestException("image " + request.imageId() + " has no bytes");
      }
      request.progress().onProgress(0, request.declaredSize());
    }
    HexFormat hex = HexFormat.of();
    return new Written(total, hex.formatHex(md5.digest()),
        new Multihash(label, hex.formatHex(multihash.digest())));
  }

  private int readSome(InputStream in, byte[] buffer) {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      if (has(Defect.MISREPORTS_STREAM_FAILURE)) {
        throw new StoreIOException("reading failed: " + e.getMessage(), e);
      }
      throw new DataStreamException("the image data stream failed: " + e.getMessage(), e);
    }
  }

  private void checkSize(AddRequest request, long size, Path temp, Path target) {
    if (request.declaredSize().isEmpty() || request.declaredSize().getAsLong() == size) {
      return;
    }
    if (has(Defect.KEEPS_DATA_OF_A_SIZE_MISMATCH)) {
      publish(request.imageId(), temp, target);
    }
    throw new SizeMismatchException("image " + request.imageId() + " was declared as "
        + request.declaredSize().getAsLong() + " bytes but the stream had "
        + (size > request.declaredSize().getAsLong() ? "more" : size));
  }

  private void publish(String imageId, Path temp, Path target) {
    try {
      if (has(Defect.RACY_DUPLICATE_CHECK) || has(Defect.REPLACES_A_STORED_ID)) {
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
    Path file;
    try {
      file = file(location);
    } catch (NotFoundException e) {
      if (has(Defect.MISSING_IMAGE_READS_AS_EMPTY)) {
        return new EmptyImageData();
      }
      throw e;
    }
    try {
      boolean share = has(Defect.SHARES_ONE_CHANNEL_PER_IMAGE);
      FileChannel channel = share ? sharedChannel(file) : FileChannel.open(file);
      try {
        long size = channel.size();
        long length = has(Defect.IGNORES_RANGE_LENGTH)
            ? ByteRange.from(range.offset()).lengthWithin(size)
            : has(Defect.CLAMPS_RANGE_START) && range.offset() > size ? 0
            : range.lengthWithin(size);
        channel.position(Math.min(range.offset(), size));
        return new FileImageData(channel, length, !share);
      } catch (RuntimeException | IOException e) {
        if (!share) {
          channel.close();
        }
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw notFound(location);
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private FileChannel sharedChannel(Path file) throws IOException {
    FileChannel channel = shared.get(file);
    if (channel == null || !channel.isOpen()) {
      channel = FileChannel.open(file);
      shared.put(file, channel);
    }
    return channel;
  }

  @Override
  public long size(Location location) {
    try {
      return Files.size(file(location));
    } catch (NotFoundException e) {
      if (has(Defect.MISSING_IMAGE_READS_AS_EMPTY)) {
        return 0;
      }
      throw e;
    } catch (NoSuchFileException e) {
      throw notFound(location);
    } catch (IOException e) {
      throw new StoreIOException("cannot stat " + location + ": " + e.getMessage(), e);
    }
  }

  @Override
  public java.util.Optional<Location> locate(String imageId) {
    if (has(Defect.LOCATES_ANY_ID)
        || Files.isRegularFile(images.resolve(fileName(ImageIds.requireValid(imageId))))) {
      return java.util.Optional.of(location(imageId));
    }
    return java.util.Optional.empty();
  }

  @Override
  public void delete(Location location) {
    try {
      Path file = file(location);
      if (has(Defect.DELETE_SKIPS_EMPTY_IMAGES) && Files.size(file) == 0) {
        return;
      }
      Files.delete(file);
      if (has(Defect.DELETE_KEEPS_THE_ID_TAKEN)) {
        deleted.add(location.uri().getPath().substring(1));
      }
    } catch (NoSuchFileException e) {
      throw notFound(location);
    } catch (IOException e) {
      throw new StoreIOException("cannot delete " + location + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (FileChannel channel : shared.values()) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }

  private Location location(String imageId) {
    try {
      Map<String, String> metadata = has(Defect.READS_BY_METADATA_ONLY)
          ? Map.of("file", fileName(imageId)) : Map.of();
      return Location.of(new URI(SCHEME, null, "/" + imageId, null), id, metadata);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path file(Location location) {
    if ((!location.scheme().equals(SCHEME) && !has(Defect.IGNORES_SCHEME))
        || location.uri().getPath() == null || !location.uri().getPath().startsWith("/")) {
      throw new BadLocationException("not a " + SCHEME + ":/ location: " + location);
    }
    if (has(Defect.READS_BY_METADATA_ONLY)) {
      String name = location.metadata().get("file");
      if (name == null || !Files.isRegularFile(images.resolve(name))) {
        throw notFound(location);
      }
      return images.resolve(name);
    }
    String imageId = location.uri().getPath().substring(1);
    if (has(Defect.TRUSTS_LOCATION_PATHS)
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
  private String fileName(String imageId) {
    String id = has(Defect.FOLDS_CASE_IN_FILE_NAMES) ? imageId.toLowerCase(Locale.ROOT) : imageId;
    StringBuilder name = new StringBuilder("i-");
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (safe) {
        name.append(c);
      } else if (has(Defect.COLLAPSES_ODD_CHARACTERS)) {
        name.append('_');
      } else {
        name.append('%').append(HexFormat.of().toHexDigits(b));
      }
    }
    if (name.length() <= 200) {
      return name.toString();
    }
    byte[] hash = digest("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
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

  /** No bytes. */
  private static final class EmptyImageData implements ImageData {
    private final ReadableByteChannel channel = Channels.newChannel(InputStream.nullInputStream());

    @Override
    public long size() {
      return 0;
    }

    @Override
    public ReadableByteChannel channel() {
      return channel;
    }

    @Override
    public void close() {}
  }

  /** {@code length} bytes of an open file from its current position. */
  private static final class FileImageData implements ImageData, ReadableByteChannel {
    private final FileChannel file;
    private final long length;
    private long left;

    private final boolean owned;

    FileImageData(FileChannel file, long length, boolean owned) {
      this.file = file;
      this.length = length;
      this.left = length;
      this.owned = owned;
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
      if (!owned) {
        return;
      }
      try {
        file.close();
      } catch (IOException e) {
        throw new StoreIOException("cannot close: " + e.getMessage(), e);
      }
    }
  }
}
