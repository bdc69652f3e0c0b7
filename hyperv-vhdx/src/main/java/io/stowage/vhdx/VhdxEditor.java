package io.stowage.vhdx;


import io.stowage.api.InvalidImageDataException;
import io.stowage.api.NotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An existing VHDX file opened for an in-place change. Every write is followed by a sync so
 * that the order of writes is the order they reach the disk, which the callers' crash safety
 * relies on.
 */
final class VhdxEditor implements Closeable {
  final Path path;
  final FileChannel ch;
  final VhdxImage image;

  private VhdxEditor(Path path, FileChannel ch, VhdxImage image) {
    this.path = path;
    this.ch = ch;
    this.image = image;
  }

  static VhdxEditor open(Path path) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no such file: " + path);
    } catch (IOException e) {
      throw AtomicFile.failure("cannot open " + path + " for writing", e);
    }
    try {
      VhdxImage img = VhdxImage.open(new ChannelSource(ch));
      if (img.log.entries() > 0) {
        throw new InvalidImageDataException(
            path + " has a log to replay first (for example with qemu-img check -r all)");
      }
      return new VhdxEditor(path, ch, img);
    } catch (RuntimeException e) {
      VhdxDisks.closeQuietly(ch, e);
      throw e;
    }
  }

  /**
   * Marks the file as being changed: a new file-write GUID in the non-current header with the
   * next sequence number. A torn write leaves that header invalid and the old one current.
   */
  void bumpHeader() {
    VhdxLayout l = image.layout;
    VhdxHeader next = l.header().withSequence(l.header().sequenceNumber() + 1)
        .withFileWriteGuid(Guid.random()).withLogGuid(Guid.ZERO);
    write(next.encode(), VhdxHeader.OFFSETS[1 - l.headerIndex()]);
  }

  void write(ByteBuffer b, long position) {
    try {
      AtomicFile.writeFully(ch, b, position);
      ch.force(false);
    } catch (IOException e) {
      throw AtomicFile.failure("cannot write " + path, e);
    }
  }

  @Override
  public void close() {
    try {
      ch.close();
    } catch (IOException e) {
      throw AtomicFile.failure("cannot close " + path, e);
    }
  }
}
