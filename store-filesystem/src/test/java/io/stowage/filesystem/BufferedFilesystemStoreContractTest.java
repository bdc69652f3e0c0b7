package io.stowage.filesystem;

/** The contract with {@code direct_io: false}: adds written through the page cache. */
class BufferedFilesystemStoreContractTest extends FilesystemStoreContractTest {
  @Override
  String yaml() {
    return """
        datadir: images
        direct_io: false
        """;
  }
}
