package io.stowage.api.disk;


import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * A channel of guest data (see {@link DiskFormat#openVirtualDisk}) that knows where its
 * unallocated, all-zero ranges are, like {@code lseek}'s {@code SEEK_DATA}/{@code SEEK_HOLE}:
 * a copier can skip holes without reading them. Optional: callers test with
 * {@code instanceof}. The answers are hints about zeros, never about data: a range reported as
 * data may still read as zeros.
 */
public interface SparseChannel extends SeekableByteChannel {

  /** The first position at or after {@code from} that may hold non-zero bytes; size() if none. */
  long nextData(long from) throws IOException;

  /** The first position at or after {@code from} that starts a run of zeros; size() if none. */
  long nextHole(long from) throws IOException;
}
