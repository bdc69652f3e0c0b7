package io.stowage.api;

import java.util.OptionalLong;

/**
 * Told how far an add has got. Called on the thread that runs the add, after bytes reach the
 * backend, with a count that only grows; the last call reports the final size. Must be quick
 * and must not throw.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every report. */
  ProgressListener NONE = (written, declared) -> {};

  /**
   * @param bytesWritten bytes stored so far
   * @param declaredSize the size the caller declared, when it did
   */
  void onProgress(long bytesWritten, OptionalLong declaredSize);
}
