package io.stowage.content;

import io.stowage.api.IoFailures;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.api.content.CommitResult;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import io.stowage.api.content.Labels;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The committed side of a content store: blobs, their metadata and labels. What changes a blob's
 * existence or labels runs under its {@link BlobLocks} stripe. Thread-safe.
 */
final class Blobs {
  private final Layout layout;
  private final BlobLocks blobLocks;

  Blobs(Layout layout, BlobLocks blobLocks) {
    this.layout = layout;
    this.blobLocks = blobLocks;
  }

  Optional<ContentInfo> find(Digest digest) {
    try {
      return Optional.of(info(digest));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Moves a synced ingest's data under {@code digest}, or, if that blob exists, adds the labels
   * to it. Under the blob's stripe lock, so it cannot race a delete or another commit.
   */
  CommitResult commit(Ingest ingest, Digest digest, long size, Map<String, String> labels)
      throws IOException {
    Path blob = layout.blob(digest);
    try (BlobLocks.Held lock = blobLocks.lock(digest)) {
      Instant now = Instant.now();
      if (Files.exists(blob)) {
        if (!labels.isEmpty()) {
          BlobMeta meta = metaOf(digest, blob);
          Map<String, String> merged = new TreeMap<>(meta.labels());
          merged.putAll(labels);
          new BlobMeta(meta.createdAt(), now, Labels.copyOf(merged)).write(layout.meta(digest));
        }
        return new CommitResult(digest, Files.size(blob), CommitResult.Outcome.ALREADY_EXISTED);
      }
      Files.setPosixFilePermissions(ingest.data(), PosixFilePermissions.fromString("r--r--r--"));
      new BlobMeta(now, now, labels).write(layout.meta(digest));
      Files.move(ingest.data(), blob, StandardCopyOption.ATOMIC_MOVE);
      AtomicFile.syncFolder(blob.getParent());
      return new CommitResult(digest, size, CommitResult.Outcome.CREATED);
    }
  }

  ContentInfo info(Digest digest) {
    Path blob = layout.blob(digest);
    try {
      long size = Files.size(blob);
      BlobMeta meta = metaOf(digest, blob);
      return new ContentInfo(digest, size, meta.createdAt(), meta.updatedAt(), meta.labels());
    } catch (NoSuchFileException e) {
      throw new NotFoundException("content " + digest + " not found");
    } catch (IOException e) {
      throw IoFailures.onRead("reading " + digest, e);
    }
  }

  private BlobMeta metaOf(Digest digest, Path blob) throws IOException {
    Optional<BlobMeta> meta = BlobMeta.read(layout.meta(digest));
    if (meta.isPresent()) {
      return meta.get();
    }
    Instant t = Files.getLastModifiedTime(blob).toInstant();
    return new BlobMeta(t, t, Map.of());
  }

  ContentInfo updateLabels(Digest digest, Map<String, String> labels, Set<String> fields) {
    Path blob = layout.blob(digest);
    try (BlobLocks.Held lock = blobLocks.lock(digest)) {
      if (!Files.exists(blob)) {
        throw new NotFoundException("content " + digest + " not found");
      }
      BlobMeta meta = metaOf(digest, blob);
      Map<String, String> next = new TreeMap<>();
      if (fields.isEmpty() || fields.contains("labels")) {
        labels.forEach((k, v) -> {
          if (!v.isEmpty()) {
            next.put(k, v);
          }
        });
      } else {
        next.putAll(meta.labels());
        for (String field : fields) {
          String key = Labels.requireKey(
              field.startsWith("labels.") ? field.substring("labels.".length()) : field);
          String value = labels.getOrDefault(key, "");
          if (value.isEmpty()) {
            next.remove(key);
          } else {
            next.put(key, value);
          }
        }
      }
      BlobMeta updated = new BlobMeta(meta.createdAt(), Instant.now(), Labels.copyOf(next));
      updated.write(layout.meta(digest));
      return new ContentInfo(digest, Files.size(blob), updated.createdAt(), updated.updatedAt(),
          updated.labels());
    } catch (IOException e) {
      throw IoFailures.onWrite("updating the labels of " + digest, e);
    }
  }

  void walk(ContentFilter filter, Consumer<ContentInfo> action) {
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      List<String> names = new ArrayList<>();
      try (DirectoryStream<Path> blobs = Files.newDirectoryStream(layout.blobFolder(a))) {
        blobs.forEach(p -> names.add(p.getFileName().toString()));
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        throw IoFailures.onRead("listing blobs", e);
      }
      names.sort(null);
      for (String name : names) {
        Digest digest;
        try {
          digest = new Digest(a, name);
        } catch (InvalidRequestException e) {
          continue; // not a blob (a stray file)
        }
        Optional<ContentInfo> info = find(digest);
        if (info.isPresent() && filter.matches(info.get())) {
          action.accept(info.get());
        }
      }
    }
  }

  ImageData read(Digest digest, ByteRange range) {
    Path blob = layout.blob(digest);
    FileChannel channel;
    try {
      channel = FileChannel.open(blob, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("content " + digest + " not found");
    } catch (IOException e) {
      throw IoFailures.onRead("opening " + digest, e);
    }
    try {
      long size = channel.size();
      long length = range.lengthWithin(size);
      return ImageData.ofFile(blob, channel, range.offset(), length);
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failing.
      }
      if (e instanceof IOException io) {
        throw IoFailures.onRead("reading " + digest, io);
      }
      throw (RuntimeException) e;
    }
  }

  void delete(Digest digest) {
    try (BlobLocks.Held lock = blobLocks.lock(digest)) {
      deleteLocked(digest);
    } catch (IOException e) {
      throw IoFailures.onWrite("deleting " + digest, e);
    }
  }

  /** Deletes a blob; the caller holds its stripe. */
  void deleteLocked(Digest digest) throws IOException {
    try {
      Files.delete(layout.blob(digest));
    } catch (NoSuchFileException e) {
      throw new NotFoundException("content " + digest + " not found");
    }
    Files.deleteIfExists(layout.meta(digest));
  }

  BlobLocks locks() {
    return blobLocks;
  }

  BlobMeta metaOf(Digest digest) throws IOException {
    return metaOf(digest, layout.blob(digest));
  }
}
