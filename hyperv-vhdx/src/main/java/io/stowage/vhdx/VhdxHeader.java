package io.stowage.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One of the two 4 KiB headers at 64 KiB and 128 KiB. */
record VhdxHeader(
    long sequenceNumber,
    Guid fileWriteGuid,
    Guid dataWriteGuid,
    Guid logGuid,
    int logVersion,
    int version,
    long logLength,
    long logOffset) {
  static final int SIZE = 4096;
  static final long[] OFFSETS = {64 * 1024, 128 * 1024};

  /** The header in {@code b} (4 KiB), or empty with the reason it is not valid. */
  static Optional<VhdxHeader> parse(ByteBuffer b, StringBuilder why) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    if (!"head".equals(ascii(b, 0, 4))) {
      why.append("bad signature");
      return Optional.empty();
    }
    if (b.getInt(4) != Checked.crc32c(b, SIZE, 4)) {
      why.append("bad CRC-32C");
      return Optional.empty();
    }
    int version = b.getShort(66) & 0xFFFF;
    if (version != 1) {
      why.append("version ").append(version).append(" is not 1");
      return Optional.empty();
    }
    return Optional.of(
        new VhdxHeader(
            b.getLong(8),
            Guid.read(b, 16),
            Guid.read(b, 32),
            Guid.read(b, 48),
            b.getShort(64) & 0xFFFF,
            version,
            b.getInt(68) & 0xFFFFFFFFL,
            b.getLong(72)));
  }

  ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, "head".getBytes(StandardCharsets.US_ASCII));
    b.putLong(8, sequenceNumber);
    fileWriteGuid.write(b, 16);
    dataWriteGuid.write(b, 32);
    logGuid.write(b, 48);
    b.putShort(64, (short) logVersion);
    b.putShort(66, (short) version);
    b.putInt(68, (int) logLength);
    b.putLong(72, logOffset);
    Checked.seal(b, SIZE, 4);
    return b;
  }

  VhdxHeader withSequence(long seq) {
    return new VhdxHeader(
        seq, fileWriteGuid, dataWriteGuid, logGuid, logVersion, version, logLength, logOffset);
  }

  VhdxHeader withFileWriteGuid(Guid g) {
    return new VhdxHeader(
        sequenceNumber, g, dataWriteGuid, logGuid, logVersion, version, logLength, logOffset);
  }

  VhdxHeader withLogGuid(Guid g) {
    return new VhdxHeader(
        sequenceNumber, fileWriteGuid, dataWriteGuid, g, logVersion, version, logLength, logOffset);
  }

  static String ascii(ByteBuffer b, int offset, int length) {
    byte[] a = new byte[length];
    b.get(offset, a);
    return new String(a, StandardCharsets.ISO_8859_1);
  }
}
