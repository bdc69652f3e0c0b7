package io.stowage.filesystem;


/**
 * The contract with thin provisioning and 4 KiB chunks: the all-zero chunks of the kit's images
 * (a run in the middle and one at the end) become holes, and the ranged reads cross chunk
 * boundaries.
 */
class ThinFilesystemStoreContractTest extends FilesystemStoreContractTest {
  @Override
  String yaml() {
    return """
        datadir: images
        thin_provisioning: true
        chunk_size: 4KiB
        """;
  }

  @Override
  protected int blockSize() {
    return 4096;
  }
}
