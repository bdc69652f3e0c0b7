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

  /** A JDK digest at its start; its state can be saved when {@link JdkDigestState} allows. */
  static Jdk jdk(DigestAlgorithm algorithm) {
    Optional<JdkDigestState> support = JdkDigestState.support();
    if (support.isPresent()) {
      JdkDigestState.Exportable e = support.get().create(algorithm);
      return new Jdk(algorithm, e.digest(), Optional.of(e.spi()));
    }
    return new Jdk(algorithm, algorithm.newDigest(), Optional.empty());
  }

  /** A JDK digest restored from {@link Jdk#state()}; empty if that is not possible. */
  static Optional<Jdk> restoreJdk(DigestAlgorithm algorithm, byte[] state) {
    Optional<JdkDigestState> support = JdkDigestState.support();
    if (support.isEmpty()) {
      return Optional.empty();
    }
    try {
      JdkDigestState.Exportable e = support.get().create(algorithm);
      support.get().restore(e.spi(), state);
      return Optional.of(new Jdk(algorithm, e.digest(), Optional.of(e.spi())));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
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
    private final Optional<java.security.MessageDigestSpi> spi;

    Jdk(DigestAlgorithm algorithm, MessageDigest digest,
        Optional<java.security.MessageDigestSpi> spi) {
      super(algorithm);
      this.digest = digest;
      this.spi = spi;
    }

    /** The running state, to save, when this JVM lets the JDK's state be read. */
    Optional<byte[]> state() {
      return spi.map(s -> JdkDigestState.support().orElseThrow().save(s));
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
