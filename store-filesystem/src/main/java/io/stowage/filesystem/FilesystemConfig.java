package io.stowage.filesystem;


import io.stowage.api.DataSize;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The configuration of one filesystem store, as bound from its YAML subtree (snake_case keys).
 * Absent values take their defaults here; {@link FilesystemStoreProvider#create} validates the
 * rest and reports problems as {@link io.stowage.api.BadStoreConfigurationException}s.
 *
 * @param datadir the one folder images are written to; empty when {@link #datadirs} is used
 * @param datadirs folders with priorities, {@code "path:priority"} (priority defaults to 0);
 *     empty when {@link #datadir} is used
 * @param metadataFile a JSON file describing the mount points of the folders (an object, or a
 *     list of objects, each with string {@code id} and {@code mountpoint}); empty for none
 * @param filePerm the mode given to every image, written as octal digits ({@code 640}); 0
 *     leaves modes alone
 * @param chunkSize the unit in which data is read and in which all-zero runs become holes;
 *     default 64KiB
 * @param thinProvisioning whether all-zero chunks are left as holes instead of written
 * @param durable whether each add flushes the file and its folder to stable storage before it
 *     returns; default true
 * @param directIo whether adds write with direct I/O ({@code O_DIRECT}: from aligned buffers to
 *     the disk, not through the page cache) where the folder's file system takes it; default
 *     true
 */
public record FilesystemConfig(
    String datadir,
    List<String> datadirs,
    String metadataFile,
    int filePerm,
    DataSize chunkSize,
    boolean thinProvisioning,
    Boolean durable,
    Boolean directIo) {

  /** The chunk size when none is configured. */
  public static final DataSize DEFAULT_CHUNK_SIZE = DataSize.ofBytes(64 * 1024);

  public FilesystemConfig {
    datadir = datadir == null ? "" : datadir;
    datadirs = copyOf(datadirs);
    metadataFile = metadataFile == null ? "" : metadataFile;
    chunkSize = chunkSize == null ? DEFAULT_CHUNK_SIZE : chunkSize;
    durable = durable == null ? Boolean.TRUE : durable;
    directIo = directIo == null ? Boolean.TRUE : directIo;
  }

  /** A configuration with one data folder and every other value at its default. */
  public static FilesystemConfig ofDatadir(String datadir) {
    return new FilesystemConfig(datadir, List.of(), "", 0, DEFAULT_CHUNK_SIZE, false, true, true);
  }

  /** A configuration with several data folders ({@code "path:priority"}) and defaults. */
  public static FilesystemConfig ofDatadirs(List<String> datadirs) {
    return new FilesystemConfig("", datadirs, "", 0, DEFAULT_CHUNK_SIZE, false, true, true);
  }

  public FilesystemConfig withMetadataFile(String file) {
    return new FilesystemConfig(
        datadir, datadirs, file, filePerm, chunkSize, thinProvisioning, durable, directIo);
  }

  public FilesystemConfig withFilePerm(int perm) {
    return new FilesystemConfig(
        datadir, datadirs, metadataFile, perm, chunkSize, thinProvisioning, durable, directIo);
  }

  public FilesystemConfig withChunkSize(DataSize size) {
    return new FilesystemConfig(
        datadir, datadirs, metadataFile, filePerm, size, thinProvisioning, durable, directIo);
  }

  public FilesystemConfig withThinProvisioning(boolean thin) {
    return new FilesystemConfig(
        datadir, datadirs, metadataFile, filePerm, chunkSize, thin, durable, directIo);
  }

  public FilesystemConfig withDurable(boolean flush) {
    return new FilesystemConfig(
        datadir, datadirs, metadataFile, filePerm, chunkSize, thinProvisioning, flush, directIo);
  }

  public FilesystemConfig withDirectIo(boolean direct) {
    return new FilesystemConfig(
        datadir, datadirs, metadataFile, filePerm, chunkSize, thinProvisioning, durable, direct);
  }

  // A YAML `- ~` entry binds as null; keep it as "" so validation reports it as an empty path.
  private static List<String> copyOf(List<String> list) {
    if (list == null) {
      return List.of();
    }
    List<String> copy = new ArrayList<>(list.size());
    for (String s : list) {
      copy.add(s == null ? "" : s);
    }
    return Collections.unmodifiableList(copy);
  }
}
