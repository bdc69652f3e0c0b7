package io.stowage.api;

import java.util.OptionalLong;

/**
 * A range of bytes to read: from {@code offset}, {@code length} bytes or to the end.
 * A range that starts past the end of an image is refused by the store with
 * {@link InvalidRequestException}; one that runs past the end is cut at the end
 * ({@link #lengthWithin} says exactly what a range covers). Immutable.
 */
public record ByteRange(long offset, OptionalLong length) {
  /** The whole image. */
  public static final ByteRange ALL = new ByteRange(0, OptionalLong.empty());

  /** @throws InvalidRequestException the offset or the length is negative */
  public ByteRange {
    if (offset < 0) {
      throw new InvalidRequestException("range offset " + offset + " is negative");
    }
    if (length.isPresent() && length.getAsLong() < 0) {
      throw new InvalidRequestException("range length " + length.getAsLong() + " is negative");
    }
  }

  /** {@code length} bytes from {@code offset}. */
  public static ByteRange of(long offset, long length) {
    return new ByteRange(offset, OptionalLong.of(length));
  }

  /** Everything from {@code offset} to the end. */
  public static ByteRange from(long offset) {
    return new ByteRange(offset, OptionalLong.empty());
  }

  /** Whether this is the whole image. */
  public boolean isAll() {
    return offset == 0 && length.isEmpty();
  }

  /**
   * How many bytes this range covers of an image of {@code size} bytes.
   *
   * @throws InvalidRequestException if the range starts past the end
   */
  public long lengthWithin(long size) {
    if (offset > size || (offset == size && size > 0 && length.orElse(1) > 0)) {
      throw new InvalidRequestException(
          "range starts at byte " + offset + " but the image has " + size + " bytes");
    }
    long rest = size - offset;
    return length.isPresent() ? Math.min(rest, length.getAsLong()) : rest;
  }
}
