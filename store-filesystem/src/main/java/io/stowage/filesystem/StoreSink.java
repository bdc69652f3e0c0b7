package io.stowage.filesystem;

import io.stowage.api.store.ImageMeter;
import java.io.IOException;

/**
 * Where one add's blocks go: {@link ImageMeter} calls {@link #write} per block, the store
 * {@link #finish}es once the data has ended and {@link #close}s after the commit or the discard.
 * Called on the add's thread only.
 */
interface StoreSink extends ImageMeter.Sink, AutoCloseable {
  /** Waits until every block is in the file (not necessarily on the disk). */
  void finish() throws IOException;

  /** Releases what the sink holds; what was not finished is abandoned. Never throws. */
  @Override
  void close();
}
