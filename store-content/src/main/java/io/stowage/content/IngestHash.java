package io.stowage.content;

import io.stowage.api.content.Digest;
import io.stowage.api.content.DigestAlgorithm;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Optional;
import org.bouncycastle.crypto.digests.EncodableDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.util.Memoable;

/**
 * The running digest of an ingest. Two kinds: the JDK's (uses the CPU's SHA instructions; its
 * state can be cloned in memory but not saved) and a portable one (BouncyCastle; about 4× slower
 * but its state can be saved to disk and restored after a restart). Not thread-safe.
 */
abstract sealed class IngestHash permits IngestHash.Jdk, IngestHash.Portable {
  /** Portable hashing is about this many times slower than the JDK's (measured on SHA-NI). */
  static final int PORTABLE_SLOWDOWN = 4;

  final DigestAlgorithm algorithm;

  private IngestHash(DigestAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  /** Hashes the remaining bytes of {@code data}, consuming them. */
  abstract void update(ByteBuffer data);

  /** The digest of everything hashed so far; the running state is untouched. */
  abstract Digest peek();

  /** A JDK digest at its start. */
  static Jdk jdk(DigestAlgorithm algorithm) {
    return new Jdk(algorithm, algorithm.newDigest());
  }

  /** A portable digest at its start. */
  static Portable portable(DigestAlgorithm algorithm) {
    return new Portable(algorithm, algorithm == DigestAlgorithm.SHA256
        ? new SHA256Digest() : new SHA512Digest());
  }

  /** A portable digest restored from {@link Portable#state()}; empty if the state is damaged. */
  static Optional<Portable> restore(DigestAlgorithm algorithm, byte[] state) {
    try {
      return Optional.of(new Portable(algorithm, algorithm == DigestAlgorithm.SHA256
          ? new SHA256Digest(state) : new SHA512Digest(state)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static final class Jdk extends IngestHash {
    private final MessageDigest digest;

    Jdk(DigestAlgorithm algorithm, MessageDigest digest) {
      super(algorithm);
      this.digest = digest;
    }

    @Override
    void update(ByteBuffer data) {
      digest.update(data);
    }

    @Override
    Digest peek() {
      return Digest.of(algorithm, copy().digest());
    }

    /** An independent copy of the running digest, for resuming in this process. */
    MessageDigest copy() {
      try {
        return (MessageDigest) digest.clone();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("the JDK's " + algorithm + " cannot be cloned", e);
      }
    }
  }

  static final class Portable extends IngestHash {
    private final org.bouncycastle.crypto.Digest digest;
    private final byte[] chunk = new byte[64 * 1024];

    Portable(DigestAlgorithm algorithm, org.bouncycastle.crypto.Digest digest) {
      super(algorithm);
      this.digest = digest;
    }

    @Override
    void update(ByteBuffer data) {
      if (data.hasArray()) {
        digest.update(data.array(), data.arrayOffset() + data.position(), data.remaining());
        data.position(data.limit());
        return;
      }
      while (data.hasRemaining()) {
        int n = Math.min(chunk.length, data.remaining());
        data.get(chunk, 0, n);
        digest.update(chunk, 0, n);
      }
    }

    @Override
    Digest peek() {
      org.bouncycastle.crypto.Digest copy =
          (org.bouncycastle.crypto.Digest) ((Memoable) digest).copy();
      byte[] out = new byte[copy.getDigestSize()];
      copy.doFinal(out, 0);
      return Digest.of(algorithm, out);
    }

    /** The running state, to save; {@link IngestHash#restore} takes it back. */
    byte[] state() {
      return ((EncodableDigest) digest).getEncodedState();
    }
  }
}
