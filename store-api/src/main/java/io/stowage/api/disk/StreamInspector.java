package io.stowage.api.disk;


import java.nio.ByteBuffer;

/**
 * Inspects a disk image while it streams past, once, front to back, holding a bounded amount
 * of it — so an upload can be checked on its way to the store without being read twice. Not
 * thread-safe; one per stream.
 */
public interface StreamInspector {

  /** Takes the next bytes of the stream (the buffer's remaining bytes; it is not kept). */
  void update(ByteBuffer bytes);

  /**
   * Ends the stream and reports what was found.
   *
   * @param totalSize how many bytes the stream had
   * @throws InvalidImageDataException the stream is not a valid image of this format
   */
  DiskInfo finish(long totalSize);
}
