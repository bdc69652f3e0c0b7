package io.stowage.app.cache;

import io.stowage.api.ImageData;
import io.stowage.api.StoreIOException;
import io.stowage.api.cache.CacheWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.BiConsumer;

/**
 * A store's bytes on their way to a reader, copied into a cache writer as they pass. The entry
 * commits when the reader has read all of them (the writer then checks size and checksums);
 * a reader that stops early rolls it back. A cache write that fails is abandoned (and logged
 * once); the reader keeps getting the store's bytes. The entry's digests are computed when it
 * commits, after the reader's last byte ({@link CacheWriter#commit}): while the reader reads,
 * its thread only moves bytes.
 */
final class TeeImageData implements ImageData {
  private final String imageId;
  private final ImageData source;
  private final CacheWriter writer;
  private final BiConsumer<String, RuntimeException> failed;
  private final ReadableByteChannel channel;
  private long passed;
  private boolean writing = true;

  TeeImageData(String imageId, ImageData source, CacheWriter writer,
      BiConsumer<String, RuntimeException> failed) {
    this.imageId = imageId;
    this.source = source;
    this.writer = writer;
    this.failed = failed;
    this.channel = new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = source.channel().read(dst);
        if (n > 0) {
          passed += n;
          tee(dst, start);
        }
        return n;
      }

      @Override
      public boolean isOpen() {
        return source.channel().isOpen();
      }

      @Override
      public void close() {
        TeeImageData.this.close();
      }
    };
  }

  private void tee(ByteBuffer dst, int start) {
    if (!writing) {
      return;
    }
    ByteBuffer copy = dst.duplicate();
    copy.limit(dst.position());
    copy.position(start);
    try {
      while (copy.hasRemaining()) {
        writer.write(copy);
      }
    } catch (IOException e) {
      stop(new StoreIOException(e.getMessage(), e));
    } catch (RuntimeException e) {
      stop(e);
    }
  }

  private void stop(RuntimeException e) {
    writing = false;
    writer.abort(String.valueOf(e.getMessage()));
    failed.accept("caching image " + imageId, e);
  }

  @Override
  public long size() {
    return source.size();
  }

  @Override
  public ReadableByteChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    try {
      if (writing) {
        writing = false;
        if (passed == source.size()) {
          try {
            writer.commit();
          } catch (RuntimeException e) {
            failed.accept("committing image " + imageId + " to the cache", e);
          }
        } else {
          writer.close(); // the reader stopped early: roll back
        }
      }
    } finally {
      source.close();
    }
  }
}
