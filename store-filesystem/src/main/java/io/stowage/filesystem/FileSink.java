package io.stowage.filesystem;

import io.stowage.api.store.ImageMeter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where an add's blocks go: the temporary file, at their position. With thin provisioning an
 * all-zero chunk is not written (the file gets a hole there, which reads back as zeros; the
 * caller sets the file's length at the end). When durable, writeback is started along the way
 * so that the final flush has little left to do.
 */
final class FileSink implements StoreSink {
  private final FileChannel out;
  private final int chunkSize;
  private final boolean thin;
  private final ByteBuffer zeros;
  private final Flusher flusher;

  FileSink(FileChannel out, int chunkSize, boolean thin, Flusher flusher) {
    this.out = out;
    this.chunkSize = chunkSize;
    this.thin = thin;
    this.zeros = thin ? ByteBuffer.allocate(chunkSize) : ByteBuffer.allocate(0);
    this.flusher = flusher;
  }

  /** Whole chunks per block, about {@link ImageMeter#DEFAULT_BLOCK_SIZE}. */
  static int blockSize(int chunkSize) {
    return chunkSize * Math.max(1, ImageMeter.DEFAULT_BLOCK_SIZE / chunkSize);
  }

  @Override
  public void write(ByteBuffer block, long position) throws IOException {
    int length = block.remaining();
    if (!thin) {
      writeFully(block, position);
    } else {
      int start = block.position();
      for (int off = 0; off < length; off += chunkSize) {
        int len = Math.min(chunkSize, length - off);
        ByteBuffer chunk = block.slice(start + off, len);
        if (chunk.mismatch(zeros.slice(0, len)) != -1) {
          writeFully(chunk, position + off);
        }
      }
    }
    if (flusher != null) {
      flusher.written(position + length);
    }
  }

  /** Waits for writeback started along the way, if any. */
  @Override
  public void finish() throws IOException {
    if (flusher != null) {
      flusher.await();
    }
  }

  @Override
  public void close() {
    // the store owns the file
  }

  private void writeFully(ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += out.write(buffer, at);
    }
  }
}
