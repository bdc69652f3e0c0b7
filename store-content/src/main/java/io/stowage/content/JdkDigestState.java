package io.stowage.content;

import io.stowage.api.content.DigestAlgorithm;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.Optional;

/**
 * Saves and restores the running state of the JDK's own SHA-256/SHA-512 (the implementation
 * that uses the CPU's SHA instructions), so that checkpoints cost nothing on the write path and a
 * resume after a restart continues at full speed.
 *
 * <p>The JDK keeps that state private; reading it needs the JVM option
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED} (the {@code stowage} launcher
 * passes it). Without it, or if a JDK lays its digests out differently, {@link #support()} is
 * empty — a self-test round-trips a state before anything relies on it — and the store falls back
 * to portable (BouncyCastle) checkpoints computed beside the write.
 */
final class JdkDigestState {
  private static final Optional<JdkDigestState> SUPPORT = probe();

  private final VarHandle buffer;
  private final VarHandle bufOfs;
  private final VarHandle bytesProcessed;
  private final VarHandle state256;
  private final VarHandle state512;

  private JdkDigestState(MethodHandles.Lookup base, MethodHandles.Lookup sha2,
      MethodHandles.Lookup sha5) throws ReflectiveOperationException {
    Class<?> baseClass = base.lookupClass();
    buffer = base.findVarHandle(baseClass, "buffer", byte[].class);
    bufOfs = base.findVarHandle(baseClass, "bufOfs", int.class);
    bytesProcessed = base.findVarHandle(baseClass, "bytesProcessed", long.class);
    state256 = sha2.findVarHandle(sha2.lookupClass(), "state", int[].class);
    state512 = sha5.findVarHandle(sha5.lookupClass(), "state", long[].class);
  }

  /** The state access, when this JVM allows it and it passed its self-test. */
  static Optional<JdkDigestState> support() {
    return SUPPORT;
  }

  /** A JDK digest of {@code algorithm} whose state {@link #save} and {@link #restore} reach. */
  record Exportable(MessageDigest digest, MessageDigestSpi spi) {}

  Exportable create(DigestAlgorithm algorithm) {
    String name = algorithm == DigestAlgorithm.SHA256 ? "SHA-256" : "SHA-512";
    try {
      MessageDigestSpi spi = (MessageDigestSpi) Security.getProvider("SUN")
          .getService("MessageDigest", name).newInstance(null);
      return new Exportable(MessageDigest.getInstance(name, new SingleInstance(name, spi)), spi);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + name, e);
    }
  }

  /** A provider of exactly one SPI instance, so that a MessageDigest drives the SPI we hold. */
  private static final class SingleInstance extends Provider {
    private static final long serialVersionUID = 1L;
    private final transient Provider.Service service;

    SingleInstance(String algorithm, MessageDigestSpi spi) {
      super("stowage-exportable-digest", "1", "one digest instance");
      this.service = new Provider.Service(this, "MessageDigest", algorithm,
          spi.getClass().getName(), null, null) {
        @Override
        public Object newInstance(Object parameter) {
          return spi;
        }
      };
    }

    @Override
    public synchronized Provider.Service getService(String type, String algorithm) {
      return service.getType().equals(type) && service.getAlgorithm().equals(algorithm)
          ? service : null;
    }
  }

  /** The state after the bytes hashed so far: counters, chaining words, buffered tail. */
  byte[] save(MessageDigestSpi spi) {
    long processed = (long) bytesProcessed.get(spi);
    int ofs = (int) bufOfs.get(spi);
    byte[] buf = (byte[]) buffer.get(spi);
    boolean wide = spi.getClass().getSuperclass().getSimpleName().equals("SHA5");
    ByteBuffer out = ByteBuffer.allocate(8 + 4 + 1 + 64 + 4 + ofs);
    out.putLong(processed).putInt(ofs).put((byte) (wide ? 5 : 2));
    if (wide) {
      for (long w : (long[]) state512.get(spi)) {
        out.putLong(w);
      }
    } else {
      for (int w : (int[]) state256.get(spi)) {
        out.putInt(w);
      }
      out.put(new byte[32]);
    }
    out.putInt(ofs).put(buf, 0, ofs);
    return out.array();
  }

  /** Sets a fresh digest's state to a saved one. */
  void restore(MessageDigestSpi spi, byte[] saved) {
    ByteBuffer in = ByteBuffer.wrap(saved);
    long processed = in.getLong();
    int ofs = in.getInt();
    boolean wide = in.get() == 5;
    if (wide) {
      long[] s = (long[]) state512.get(spi);
      for (int i = 0; i < s.length; i++) {
        s[i] = in.getLong();
      }
    } else {
      int[] s = (int[]) state256.get(spi);
      for (int i = 0; i < s.length; i++) {
        s[i] = in.getInt();
      }
      in.position(in.position() + 32);
    }
    int tail = in.getInt();
    byte[] buf = (byte[]) buffer.get(spi);
    if (tail != ofs || ofs >= buf.length) {
      throw new IllegalArgumentException("damaged digest state");
    }
    in.get(buf, 0, ofs);
    bufOfs.set(spi, ofs);
    bytesProcessed.set(spi, processed);
  }

  private static Optional<JdkDigestState> probe() {
    try {
      MethodHandles.Lookup self = MethodHandles.lookup();
      Class<?> base = Class.forName("sun.security.provider.DigestBase");
      Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
      Class<?> sha5 = Class.forName("sun.security.provider.SHA5");
      JdkDigestState access = new JdkDigestState(MethodHandles.privateLookupIn(base, self),
          MethodHandles.privateLookupIn(sha2, self), MethodHandles.privateLookupIn(sha5, self));
      for (DigestAlgorithm a : DigestAlgorithm.values()) {
        if (!access.roundTrips(a)) {
          return Optional.empty();
        }
      }
      return Optional.of(access);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.empty(); // not opened to us, or another layout: portable checkpoints
    }
  }

  private boolean roundTrips(DigestAlgorithm algorithm) {
    byte[] data = "stowage checkpoint self-test ".repeat(20).getBytes(StandardCharsets.US_ASCII);
    Exportable first = create(algorithm);
    first.digest().update(data, 0, 201);
    byte[] saved = save(first.spi());
    Exportable second = create(algorithm);
    restore(second.spi(), saved);
    second.digest().update(data, 201, data.length - 201);
    return Arrays.equals(second.digest().digest(), algorithm.newDigest().digest(data));
  }
}
