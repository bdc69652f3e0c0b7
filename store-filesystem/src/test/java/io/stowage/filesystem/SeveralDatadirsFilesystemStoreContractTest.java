package io.stowage.filesystem;

/**
 * The contract over three data folders with priorities (two with equal priority). Nested folders
 * are refused since issue 12: images of the inner one would be found in both.
 */
class SeveralDatadirsFilesystemStoreContractTest extends FilesystemStoreContractTest {
  @Override
  String yaml() {
    return """
        datadirs:
          - fast:100
          - slow:10
          - overflow:10
        durable: false
        """;
  }
}
