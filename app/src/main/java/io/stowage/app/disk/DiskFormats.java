package io.stowage.app.disk;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.StoreIOException;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskInfo;
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
 * The disk formats the plugins contribute (each behind its plugin's boundary), and detection
 * among them. An image that no format claims is raw; one that several claim is refused, as
 * oslo's format inspector does (a file that passes for two formats is how format-confusion
 * attacks start). Immutable and thread-safe.
 */
public final class DiskFormats {
  /** The name of the format of images no plugin claims. */
  public static final String RAW = "raw";

  private final List<DiskFormat> formats;
  private final List<String> names;
  private final int probeLength;
  private final int tailProbeLength;

  public DiskFormats(List<DiskFormat> formats) {
    this.formats = List.copyOf(formats);
    this.names = this.formats.stream().map(DiskFormat::name).toList();
    this.probeLength = this.formats.stream().mapToInt(DiskFormat::probeLength).reduce(512, Math::max);
    this.tailProbeLength = this.formats.stream().mapToInt(DiskFormat::tailProbeLength).reduce(0, Math::max);
  }

  /** The format called {@code name}. @throws InvalidRequestException if none is */
  public DiskFormat named(String name) {
    int at = names.indexOf(name);
    if (at < 0) {
      throw new InvalidRequestException("no plugin provides disk format \"" + name + "\""
          + " (available: " + String.join(", ", names) + ")");
    }
    return formats.get(at);
  }

  /** Names of every available format, in plugin order. */
  public List<String> names() {
    return names;
  }

  /** Whether {@code name} is raw or a format some plugin recognises. */
  public boolean recognises(String name) {
    return name.equals(RAW) || names.contains(name);
  }

  /**
   * Detects and inspects the image in {@code file}. Damage is reported as {@link Inspection.Corrupt}
   * rather than thrown, so that a caller sees every finding in one place.
   *
   * @throws InvalidRequestException the file does not exist
   */
  public Inspection inspect(Path file) {
    return withChannel(file, channel -> {
      List<DiskFormat> matches = matches(channel);
      if (matches.isEmpty()) {
        return new Inspection.Recognised(new DiskInfo(RAW, channel.size(), Map.of(), List.of()));
      }
      if (matches.size() > 1) {
        return ambiguous(matches);
      }
      DiskFormat format = matches.get(0);
      try {
        channel.position(0);
        return new Inspection.Recognised(format.inspect(channel));
      } catch (InvalidImageDataException e) {
        return new Inspection.Corrupt(format.name(), e.getMessage());
      }
    });
  }

  /**
   * Which format of {@code file} {@link #inspect} would use: empty for raw.
   *
   * @throws InvalidImageDataException several formats claim it
   */
  public Optional<DiskFormat> detect(Path file) {
    return withChannel(file, channel -> {
      List<DiskFormat> matches = matches(channel);
      if (matches.size() > 1) {
        throw new InvalidImageDataException(ambiguous(matches).safety().get(0).message());
      }
      return matches.stream().findFirst();
    });
  }

  /** A new one-pass inspection of a stream, for data on its way to a store. */
  public StreamInspection inspectStream() {
    return new StreamInspection(this);
  }

  private interface ChannelBody<R> {
    R apply(SeekableByteChannel channel) throws IOException;
  }

  private static <R> R withChannel(Path file, ChannelBody<R> body) {
    InputFile.require(file, false);
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      return body.apply(channel);
    } catch (IOException e) {
      throw InputFile.readFailure(file, e);
    }
  }

  // The formats that claim the image's first bytes, else those that claim its last bytes. A
  // partition table (a format named raw) is the weakest claim: a fixed VHD of a partitioned disk
  // is a VHD.
  private List<DiskFormat> matches(SeekableByteChannel channel) throws IOException {
    List<DiskFormat> byHead = probe(read(channel, 0, probeLength));
    if (!byHead.stream().allMatch(DiskFormats::isRaw) || tailProbeLength == 0) {
      return byHead;
    }
    long size = channel.size();
    int n = (int) Math.min(tailProbeLength, size);
    List<DiskFormat> byTail = probeTail(read(channel, size - n, n));
    return byTail.isEmpty() ? byHead : byTail;
  }

  /**
   * Whether {@code format} only describes raw data (a partition table): any other format that
   * claims the same bytes wins over it, so an ISO hybrid with an MBR stays an ISO.
   */
  static boolean isRaw(DiskFormat format) {
    return RAW.equals(format.name());
  }

  private static ByteBuffer read(SeekableByteChannel channel, long at, int length) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(length, Math.max(0, channel.size() - at)));
    channel.position(at);
    while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
      // fill the probe buffer
    }
    return bytes.flip();
  }

  int probeLength() {
    return probeLength;
  }

  int tailProbeLength() {
    return tailProbeLength;
  }

  /**
   * The formats whose probe accepts {@code head}: none for raw, one, or several (ambiguous).
   * Raw formats (partition tables) are dropped when any other format matches.
   */
  List<DiskFormat> probe(ByteBuffer head) {
    List<DiskFormat> matches = new ArrayList<>();
    for (DiskFormat f : formats) {
      if (f.probe(head.asReadOnlyBuffer())) {
        matches.add(f);
      }
    }
    if (!matches.stream().allMatch(DiskFormats::isRaw)) {
      matches.removeIf(DiskFormats::isRaw);
    }
    return matches;
  }

  /** The formats that look at the end of an image, for when no format claimed its start. */
  List<DiskFormat> tailProbing() {
    return formats.stream().filter(f -> f.tailProbeLength() > 0).toList();
  }

  /** The formats whose tail probe accepts {@code tail} (an image's last bytes). */
  List<DiskFormat> probeTail(ByteBuffer tail) {
    List<DiskFormat> matches = new ArrayList<>();
    for (DiskFormat f : tailProbing()) {
      if (f.probeTail(tail.asReadOnlyBuffer())) {
        matches.add(f);
      }
    }
    return matches;
  }

  static Inspection.Ambiguous ambiguous(List<DiskFormat> matches) {
    return new Inspection.Ambiguous(matches.stream().map(DiskFormat::name).toList());
  }
}
