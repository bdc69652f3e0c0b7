package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import io.stowage.api.NotFoundException;
import io.stowage.api.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Opens a VHDX file's guest data, following a differencing disk's parents. */
final class VhdxDisks {
  /** Deeper chains than this are refused as hostile (real chains are a few levels). */
  static final int MAX_CHAIN = 32;

  private VhdxDisks() {}

  static SeekableByteChannel open(Path image) {
    return open(image, new ArrayList<>());
  }

  private static SeekableByteChannel open(Path image, List<Path> seen) {
    Path real = realPath(image);
    if (seen.contains(real)) {
      throw new InvalidImageDataException("the parent chain loops back to " + image);
    }
    if (seen.size() >= MAX_CHAIN) {
      throw new InvalidImageDataException("the parent chain is deeper than " + MAX_CHAIN);
    }
    seen.add(real);
    FileChannel fc = openFile(image);
    try {
      VhdxImage img = VhdxImage.open(new ChannelSource(fc));
      Optional<SeekableByteChannel> parent = Optional.empty();
      if (img.layout.hasParent()) {
        parent = Optional.of(openParent(image, img, seen));
      }
      return new VhdxChannel(img, parent, fc);
    } catch (RuntimeException e) {
      closeQuietly(fc, e);
      throw e;
    }
  }

  private static SeekableByteChannel openParent(Path child, VhdxImage img, List<Path> seen) {
    ParentLocator loc = img.layout.parentLocator().orElseThrow();
    Path p = ParentPaths.find(child, loc)
        .orElseThrow(() -> new InvalidImageDataException(
            "the parent of " + child + " is not found at any of its locator's paths "
                + ParentPaths.candidates(child, loc)));
    Guid linkage = ParentPaths.linkage(loc);
    SeekableByteChannel ch = open(p, seen);
    try {
      VhdxImage parent = ((VhdxChannel) ch).image();
      Guid actual = parent.layout.header().dataWriteGuid();
      if (!actual.equals(linkage)) {
        throw new InvalidImageDataException(
            "parent " + p + " has data-write GUID " + actual + " but " + child
                + " was made from " + linkage);
      }
      if (parent.layout.virtualSize() != img.layout.virtualSize()
          || parent.layout.logicalSectorSize() != img.layout.logicalSectorSize()) {
        throw new InvalidImageDataException(
            "parent " + p + " differs from " + child + " in virtual size or sector size");
      }
      return ch;
    } catch (RuntimeException e) {
      closeQuietly(ch, e);
      throw e;
    }
  }

  static FileChannel openFile(Path image) {
    try {
      return FileChannel.open(image, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no such file: " + image);
    } catch (IOException e) {
      throw new StoreIOException("cannot open " + image + ": " + e.getMessage(), e);
    }
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no such file: " + p);
    } catch (IOException e) {
      throw new StoreIOException("cannot resolve " + p + ": " + e.getMessage(), e);
    }
  }

  static void closeQuietly(java.io.Closeable c, RuntimeException into) {
    try {
      c.close();
    } catch (IOException | RuntimeException x) {
      into.addSuppressed(x);
    }
  }

  static boolean isFile(Path p) {
    return Files.isRegularFile(p);
  }

  /** Whether the buffer's remaining bytes start with {@code magic}; the buffer is not consumed. */
  static boolean startsWith(ByteBuffer bytes, byte[] magic) {
    return bytes.remaining() >= magic.length
        && bytes.slice(bytes.position(), magic.length).equals(ByteBuffer.wrap(magic));
  }
}
