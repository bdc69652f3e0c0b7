package io.stowage.filesystem;

/**
 * The contract with a chunk size that is no divisor of the kit's sizes (12 KiB + 1 byte): the
 * store's blocks are whole chunks, so every block boundary lands at an odd offset.
 */
class SmallChunkFilesystemStoreContractTest extends FilesystemStoreContractTest {
  @Override
  String yaml() {
    return """
        datadir: images
        thin_provisioning: true
        chunk_size: 12289
        """;
  }

  @Override
  protected int blockSize() {
    return 12289;
  }
}
