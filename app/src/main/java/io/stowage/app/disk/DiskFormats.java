package io.stowage.app.disk;


import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.disk.SafetyFinding;
import io.stowage.api.StoreIOException;
import io.stowage.app.plugin.Contribution;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The disk formats the plugins contribute, and detection among them. An image that no format
 * claims is raw; one that several claim is refused, as oslo's format inspector does (a file
 * that passes for two formats is how format-confusion attacks start).
 */
public final class DiskFormats {
  /** The name of the format of images no plugin claims. */
  public static final String RAW = "raw";

  private final List<Contribution<DiskFormat>> formats;

  public DiskFormats(List<Contribution<DiskFormat>> formats) {
    this.formats = List.copyOf(formats);
  }

  /** The name of a contributed format. */
  public static String nameOf(Contribution<DiskFormat> format) {
    return format.call(() -> format.extension().name());
  }

  /** The format called {@code name}. @throws InvalidRequestException if none is */
  public Contribution<DiskFormat> named(String name) {
    for (Contribution<DiskFormat> f : formats) {
      if (nameOf(f).equals(name)) {
        return f;
      }
    }
    throw new InvalidRequestException("no plugin provides disk format \"" + name + "\""
        + " (available: " + String.join(", ", names()) + ")");
  }

  /** Names of every available format. */
  public List<String> names() {
    return formats.stream().map(DiskFormats::nameOf).toList();
  }

  /** The most leading bytes any format needs to recognise an image. */
  public int probeLength() {
    int n = 512;
    for (Contribution<DiskFormat> f : formats) {
      n = Math.max(n, f.call(() -> f.extension().probeLength()));
    }
    return n;
  }

  /**
   * The formats whose probe accepts {@code head}. A format named {@code raw} (one that
   * recognises partition tables) claims less than a container format: it is left out when
   * another format claims the same bytes (an ISO hybrid has an MBR too).
   *
   * @return empty for raw; one format; several is ambiguous
   */
  public List<Contribution<DiskFormat>> probe(ByteBuffer head) {
    List<Contribution<DiskFormat>> matches = new ArrayList<>();
    for (Contribution<DiskFormat> f : formats) {
      if (f.call(() -> f.extension().probe(head.asReadOnlyBuffer()))) {
        matches.add(f);
      }
    }
    List<Contribution<DiskFormat>> containers =
        matches.stream().filter(f -> !isRaw(f)).toList();
    return containers.isEmpty() ? matches : containers;
  }

  /** Whether {@code format} is a raw disk's (a partition table's), a claim weaker than others. */
  static boolean isRaw(Contribution<DiskFormat> format) {
    return nameOf(format).equals(RAW);
  }

  /** The most trailing bytes any format needs; 0 when none looks at the end. */
  public int tailProbeLength() {
    int n = 0;
    for (Contribution<DiskFormat> f : formats) {
      n = Math.max(n, f.call(() -> f.extension().tailProbeLength()));
    }
    return n;
  }

  /** The formats that look at the end of an image, for when no format claimed its start. */
  public List<Contribution<DiskFormat>> tailProbing() {
    return formats.stream().filter(f -> f.call(() -> f.extension().tailProbeLength()) > 0).toList();
  }

  /** The formats whose tail probe accepts {@code tail} (an image's last bytes). */
  public List<Contribution<DiskFormat>> probeTail(ByteBuffer tail) {
    List<Contribution<DiskFormat>> matches = new ArrayList<>();
    for (Contribution<DiskFormat> f : tailProbing()) {
      if (f.call(() -> f.extension().probeTail(tail.asReadOnlyBuffer()))) {
        matches.add(f);
      }
    }
    return matches;
  }

  /**
   * Detects and inspects the image in {@code file}. Damage is reported as a {@code corruption}
   * finding rather than thrown, so that a caller sees every finding in one place.
   */
  public DiskInfo inspect(Path file) {
    return withChannel(file, channel -> {
      List<Contribution<DiskFormat>> matches = matches(channel);
      if (matches.isEmpty()) {
        return new DiskInfo(RAW, channel.size(), Map.of(), List.of());
      }
      if (matches.size() > 1) {
        return ambiguous(matches);
      }
      Contribution<DiskFormat> format = matches.get(0);
      try {
        channel.position(0);
        return format.call(() -> format.extension().inspect(channel));
      } catch (InvalidImageDataException e) {
        return corrupt(nameOf(format), e.getMessage());
      }
    });
  }

  /** Which format of {@code file} {@link #inspect} would use, if any. */
  public Optional<Contribution<DiskFormat>> detect(Path file) {
    return withChannel(file, channel -> {
      List<Contribution<DiskFormat>> matches = matches(channel);
      if (matches.size() > 1) {
        throw new InvalidImageDataException(ambiguous(matches).safety().get(0).message());
      }
      return matches.stream().findFirst();
    });
  }

  private interface ChannelBody<R> {
    R apply(SeekableByteChannel channel) throws IOException;
  }

  private static <R> R withChannel(Path file, ChannelBody<R> body) {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      return body.apply(channel);
    } catch (NoSuchFileException e) {
      throw new InvalidRequestException(file + " does not exist");
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  // The formats that claim the image's first bytes, else those that claim its last bytes.
  private List<Contribution<DiskFormat>> matches(SeekableByteChannel channel) throws IOException {
    List<Contribution<DiskFormat>> byHead = probe(read(channel, 0, probeLength()));
    if (!byHead.stream().allMatch(DiskFormats::isRaw) || tailProbeLength() == 0) {
      return byHead;
    }
    // a raw disk's partition table may be a fixed VHD's first bytes
    long size = channel.size();
    int n = (int) Math.min(tailProbeLength(), size);
    List<Contribution<DiskFormat>> byTail = probeTail(read(channel, size - n, n));
    return byTail.isEmpty() ? byHead : byTail;
  }

  private static ByteBuffer read(SeekableByteChannel channel, long at, int length) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(length, Math.max(0, channel.size() - at)));
    channel.position(at);
    while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
      // fill the probe buffer
    }
    return bytes.flip();
  }

  static DiskInfo corrupt(String format, String reason) {
    return new DiskInfo(format, -1, Map.of(), List.of(new SafetyFinding("corruption", reason)));
  }

  DiskInfo ambiguous(List<Contribution<DiskFormat>> matches) {
    String names = String.join(" and ", matches.stream().map(DiskFormats::nameOf).toList());
    return new DiskInfo("unknown", -1, Map.of(),
        List.of(new SafetyFinding("format_ambiguous", "the image looks like " + names)));
  }
}
