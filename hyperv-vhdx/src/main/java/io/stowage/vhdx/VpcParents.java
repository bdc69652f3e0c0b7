package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Opens a VHD's guest data, following a differencing disk's parents: the parent is found by
 * the dynamic header's locators (Windows relative and absolute paths in UTF-16LE, Mac OS X file
 * URLs), then by its name beside the child, and must carry the unique id the child was made
 * from.
 */
final class VpcParents {
  static final int W2RU = 0x57327275;
  static final int W2KU = 0x57326B75;
  static final int MACX = 0x4D616358;
  /** Locator data beyond this is not a path. */
  private static final int MAX_LOCATOR = 64 * 1024;

  private VpcParents() {}

  static SeekableByteChannel open(Path image) {
    return open(image, new ArrayList<>());
  }

  private static SeekableByteChannel open(Path image, List<Path> seen) {
    Path real;
    try {
      real = image.toRealPath();
    } catch (java.io.IOException e) {
      throw new io.stowage.api.NotFoundException("no such file: " + image);
    }
    if (seen.contains(real)) {
      throw new InvalidImageDataException("the parent chain loops back to " + image);
    }
    if (seen.size() >= VhdxDisks.MAX_CHAIN) {
      throw new InvalidImageDataException("the parent chain is deeper than " + VhdxDisks.MAX_CHAIN);
    }
    seen.add(real);
    FileChannel fc = VhdxDisks.openFile(image);
    Optional<SeekableByteChannel> parent = Optional.empty();
    try {
      VpcImage img = VpcImage.open(new ChannelSource(fc));
      if (img.type == VpcImage.DIFFERENCING) {
        parent = Optional.of(openParent(image, img, seen));
      }
      return new VpcChannel(img, parent, fc);
    } catch (RuntimeException e) {
      parent.ifPresent(p -> VhdxDisks.closeQuietly(p, e));
      VhdxDisks.closeQuietly(fc, e);
      throw e;
    }
  }

  private static SeekableByteChannel openParent(Path child, VpcImage img, List<Path> seen) {
    List<Path> candidates = candidates(child, img);
    Path p = candidates.stream().filter(VhdxDisks::isFile).findFirst()
        .orElseThrow(() -> new InvalidImageDataException("the parent of " + child
            + " is not found at any of its locators' paths " + candidates));
    SeekableByteChannel ch = open(p, seen);
    try {
      VpcImage parent = ((VpcChannel) ch).image();
      String want = VpcImage.uuid(img.dynHeader, 40);
      String have = VpcImage.uuid(parent.footer, 68);
      if (!want.equals(have)) {
        throw new InvalidImageDataException("parent " + p + " has unique id " + have + " but "
            + child + " was made from " + want);
      }
      if (parent.virtualSize != img.virtualSize) {
        throw new InvalidImageDataException("parent " + p + " is " + parent.virtualSize
            + " bytes but " + child + " is " + img.virtualSize);
      }
      return ch;
    } catch (RuntimeException e) {
      VhdxDisks.closeQuietly(ch, e);
      throw e;
    }
  }

  /** Where the parent may be, in the order tried. */
  static List<Path> candidates(Path child, VpcImage img) {
    Path dir = child.toAbsolutePath().getParent();
    List<Path> out = new ArrayList<>();
    ByteBuffer h = img.dynHeader;
    for (int code : new int[] {W2RU, W2KU, MACX}) {
      for (int i = 0; i < 8; i++) {
        int e = 576 + 24 * i;
        if (h.getInt(e) != code) {
          continue;
        }
        long len = h.getInt(e + 8) & 0xFFFFFFFFL;
        long off = h.getLong(e + 16);
        if (len == 0 || len > MAX_LOCATOR) {
          continue;
        }
        img.source.check(off, len, "parent locator " + i);
        ByteBuffer data = img.source.read(off, (int) len, "parent locator " + i);
        String s = new String(data.array(), code == MACX ? StandardCharsets.UTF_8
            : StandardCharsets.UTF_16LE);
        path(dir, s, code).ifPresent(out::add);
      }
    }
    String name = img.parentName();
    if (!name.isEmpty()) {
      path(dir, name.replace('\\', '/').replaceAll(".*/", ""), W2RU).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<Path> path(Path dir, String text, int code) {
    String s = text.replace("\0", "");
    if (code == MACX) {
      if (!s.startsWith("file://")) {
        return Optional.empty();
      }
      s = s.substring("file://".length());
      if (s.startsWith("./")) {
        code = W2RU;
      }
    }
    if (s.matches("^[A-Za-z]:.*") || s.startsWith("\\\\") || s.isEmpty()) {
      return Optional.empty(); // a Windows drive or share: not reachable from here
    }
    s = s.replace('\\', '/');
    try {
      return Optional.of(code == W2RU ? dir.resolve(s).normalize() : Path.of(s).normalize());
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
