package io.stowage.filesystem;

/** The contract over three data folders with priorities, one of them nested in another. */
class SeveralDatadirsFilesystemStoreContractTest extends FilesystemStoreContractTest {
  @Override
  String yaml() {
    return """
        datadirs:
          - fast:100
          - slow:10
          - fast/overflow:10
        durable: false
        """;
  }
}
