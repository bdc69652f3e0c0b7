package io.stowage.app.service;

import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.SizeCapExceededException;
import io.stowage.api.StorageFullException;
import io.stowage.api.StoreIOException;
import io.stowage.api.StowageException;
import io.stowage.api.disk.SafetyFinding;
import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import io.stowage.app.config.HostConfig;
import io.stowage.app.disk.DiskFormats;
import io.stowage.app.disk.Inspection;
import io.stowage.app.store.ConfiguredStore;
import io.stowage.app.store.Stores;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link ImageStorage} over the configured stores and the plugins' disk formats. */
final class StorageService implements ImageStorage {
  private final HostConfig config;
  private final Stores stores;
  private final DiskFormats formats;

  @Inject
  StorageService(HostConfig config, Stores stores, DiskFormats formats) {
    this.config = config;
    this.stores = stores;
    this.formats = formats;
  }

  @Override
  public StoredImage put(PutRequest request) {
    long cap = config.imageSizeCap().bytes();
    if (request.declaredSize().isPresent()) {
      long declared = request.declaredSize().getAsLong();
      if (declared > cap) {
        throw new SizeCapExceededException("the image's " + declared
            + " bytes exceed the size cap of " + cap + " bytes; nothing was stored");
      }
    }
    Store store = stores.byId(request.storeId().orElseGet(stores::defaultStoreId));
    long allowed = 0;
    if (request.allowance().isPresent() && request.declaredSize().isPresent()) {
      // Claim the declared size before the first byte: refused now, nothing is sent for nothing.
      long declared = request.declaredSize().getAsLong();
      allowed = request.allowance().get().request(declared);
      if (allowed < declared) {
        throw new StorageFullException("the image's " + declared + " bytes exceed the "
            + allowed + " bytes it may take (quota); nothing was stored");
      }
    }
    UploadGate gate = new UploadGate(request.data(), formats.inspectStream(), cap,
        request.allowance(), allowed, verdict -> judge(verdict, request));
    AddRequest add = AddRequest.of(request.imageId(), gate)
        .withHashAlgorithm(config.hashAlgorithm())
        .withSizeCap(cap)
        .withProgress(request.progress());
    if (request.declaredSize().isPresent()) {
      add = add.withDeclaredSize(request.declaredSize().getAsLong());
    }
    AddResult result;
    try {
      result = store.add(add);
    } catch (RuntimeException e) {
      Optional<StowageException> refusal = gate.refusal();
      if (refusal.isPresent() && refusal.get() != e) {
        refusal.get().addSuppressed(e);
        throw refusal.get();
      }
      throw e;
    }
    if (gate.verdict().isEmpty()) {
      // The store stopped at the declared size without asking for the end: ask for it now, and
      // take the image back if the verdict refuses it or more data followed.
      try {
        if (gate.read() >= 0) {
          throw new StoreIOException("store \"" + store.id() + "\" stopped reading before the"
              + " end of the data; nothing was kept");
        }
      } catch (IOException | RuntimeException e) {
        discard(store, result.location());
        throw gate.refusal().orElseGet(() -> e instanceof StowageException s ? s
            : new StoreIOException("reading the image failed: " + e.getMessage(), e));
      }
    }
    Inspection.Recognised recognised = (Inspection.Recognised) gate.verdict().get();
    return new StoredImage(store.id(), result, recognised.info());
  }

  // The typed refusal for what inspection found, or none when the image may be stored.
  private Optional<StowageException> judge(Inspection verdict, PutRequest request) {
    if (verdict instanceof Inspection.Recognised r && (r.isSafe() || request.allowUnsafe())) {
      return mismatch(r.info().format(), request);
    }
    SafetyFinding first = verdict.safety().get(0);
    String what = verdict.format().map(f -> "the " + f + " image").orElse("the image");
    return Optional.of(new InvalidImageDataException(what + " is unsafe (" + first.check() + ": "
        + first.message() + "); nothing was stored"));
  }

  private Optional<StowageException> mismatch(String found, PutRequest request) {
    if (request.expectedFormat().isEmpty()) {
      return Optional.empty();
    }
    String expected = canonical(request.expectedFormat().get());
    String actual = canonical(found);
    boolean checkable = formats.recognises(expected) || RAW_LIKE.contains(expected)
        || formats.names().stream().map(StorageService::canonical).anyMatch(expected::equals);
    boolean ok = actual.equals(expected)
        || actual.equals(DiskFormats.RAW) && (RAW_LIKE.contains(expected) || !checkable);
    if (ok) {
      return Optional.empty();
    }
    return Optional.of(new InvalidImageDataException("the image is " + found + ", not "
        + request.expectedFormat().get() + " as declared; nothing was stored"));
  }

  /** Glance's AWS formats hold raw data. */
  private static final Set<String> RAW_LIKE = Set.of("raw", "ami", "ari", "aki");

  /** Glance calls VHD {@code vhd}; qemu (and the plugin) {@code vpc}. */
  private static String canonical(String format) {
    return format.equals("vpc") ? "vhd" : format;
  }

  private static void discard(Store store, Location location) {
    try {
      store.delete(location);
    } catch (RuntimeException ignored) {
      // best effort: the store broke its contract already
    }
  }

  @Override
  public ImageData open(Location location, ByteRange range) {
    return stores.route(location).get(location, range);
  }

  @Override
  public long size(Location location) {
    return stores.route(location).size(location);
  }

  @Override
  public void delete(Location location) {
    stores.route(location).delete(location);
  }

  @Override
  public List<StoreStatus> stores() {
    return stores.all().stream().map(StorageService::status).toList();
  }

  private static StoreStatus status(ConfiguredStore s) {
    return new StoreStatus(s.id(), s.type(), s.available(),
        s.store().map(Store::schemes).orElse(Set.of()),
        s.store().map(Store::capabilities).orElse(Set.of()), s.problem());
  }

  @Override
  public java.util.Optional<Location> locate(String storeId, String imageId) {
    return stores.byId(storeId).locate(imageId);
  }

  @Override
  public String defaultStoreId() {
    return stores.defaultStoreId();
  }
}
