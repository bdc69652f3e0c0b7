package io.stowage.app.cli;

import io.stowage.api.HashAlgorithm;
import java.security.MessageDigest;
import java.util.List;

/**
 * Runs the digests a command is about to need on a spare thread while the host boots, so that
 * the JVM's security providers are set up and the digest loops compiled (bin/stowage makes the
 * JIT compile them after few calls and wait for the compiled code) before the first byte of the
 * image arrives. Without it the first 100 ms or so of hashing run while the compiler works, on the
 * critical path of every {@code put}; with it the same compile runs on the second core during
 * start-up, when that core is otherwise idle.
 */
final class DigestWarmUp {
  /** Enough updates of the block size the digest lanes use to pass the compile thresholds. */
  private static final int BLOCK = 64 * 1024;
  private static final int UPDATES = 64;

  private DigestWarmUp() {}

  static void start(List<HashAlgorithm> algorithms) {
    Thread thread = new Thread(() -> {
      byte[] block = new byte[BLOCK];
      for (HashAlgorithm algorithm : algorithms) {
        MessageDigest digest = algorithm.newDigest();
        for (int i = 0; i < UPDATES; i++) {
          digest.update(block);
        }
        digest.digest();
      }
    }, "stowage-digest-warm-up");
    thread.setDaemon(true);
    thread.start();
  }
}
