package io.stowage.filesystem;

/** The contract with {@code durable: false}: no flushes, still temp file and link. */
class NondurableFilesystemStoreContractTest extends FilesystemStoreContractTest {
  @Override
  String yaml() {
    return """
        datadir: images
        durable: false
        """;
  }
}
