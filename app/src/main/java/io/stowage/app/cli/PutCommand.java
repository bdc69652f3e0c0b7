package io.stowage.app.cli;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.AddResult;
import io.stowage.app.Host;
import io.stowage.app.disk.InputFile;
import io.stowage.app.service.PutRequest;
import io.stowage.app.service.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "put", description = "Add an image to a store and print where it went with its checksums.")
final class PutCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;

  @Option(names = "--store", paramLabel = "ID", description = "The store to add to (default: default_store).")
  String storeId;

  @Option(names = "--id", paramLabel = "ID", description = "The image id (default: a random UUID).")
  String imageId;

  @Option(names = "--size", paramLabel = "BYTES",
      description = "The size the data must have (default: the file's size; unknown for -).")
  Long declaredSize;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "The disk format the data must be (raw, qcow2, vhd, vhdx, ...; default: any).")
  String expectedFormat;

  @Option(names = "--progress", description = "Report bytes stored so far on stderr while adding.")
  boolean progress;

  @Option(names = "--allow-unsafe",
      description = "Store images that fail the safety checks (differencing disks, logs to replay).")
  boolean allowUnsafe;

  @Parameters(paramLabel = "FILE|-", description = "The image file, or - for standard input.")
  String source;

  @Override
  public Integer call() throws IOException {
    if (declaredSize != null && declaredSize < 0) {
      throw new UsageException("--size must not be negative");
    }
    PutRequest request;
    try (Host host = root.boot(options.config); InputStream data = open()) {
      request = PutRequest.of(imageId == null ? UUID.randomUUID().toString() : imageId, data)
          .withAllowUnsafe(allowUnsafe);
      Long size = declaredSize != null ? declaredSize : fileSize();
      if (size != null) {
        request = request.withDeclaredSize(size);
      }
      if (storeId != null) {
        request = request.withStoreId(storeId);
      }
      if (expectedFormat != null) {
        request = request.withExpectedFormat(expectedFormat);
      }
      ProgressLine line = new ProgressLine(root.console.err());
      if (progress) {
        request = request.withProgress(line);
      }
      StoredImage stored;
      try {
        stored = host.imageStorage().put(request);
      } catch (InvalidImageDataException e) {
        throw allowUnsafe || !e.getMessage().contains(" is unsafe (") ? e
            : new InvalidImageDataException(e.getMessage() + " (--allow-unsafe stores it anyway)", e);
      } finally {
        line.end();
      }
      print(root.console.out(), stored);
      root.console.stdout().requireWritten("stored " + stored.result().location().uri());
      return Cli.OK;
    }
  }

  private InputStream open() {
    if (source.equals("-")) {
      requireStandardInput();
      return root.console.in();
    }
    Path file = InputFile.require(source, true);
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw InputFile.readFailure(file, e);
    }
  }

  // Main (and bin/stowage) note a standard input that was closed when the process started.
  private void requireStandardInput() {
    if (root.console.env().containsKey("STOWAGE_STDIN_CLOSED")) {
      throw new UsageException("standard input is closed: give a FILE, or pipe the image in");
    }
  }

  private Long fileSize() throws IOException {
    if (source.equals("-")) {
      return null;
    }
    Path file = Path.of(source);
    try {
      return Files.isRegularFile(file) ? Files.size(file) : null;
    } catch (IOException e) {
      throw InputFile.readFailure(file, e);
    }
  }

  private void print(PrintStream out, StoredImage stored) {
    AddResult r = stored.result();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("location", r.location().uri().toString());
    json.put("store", stored.storeId());
    json.put("size", r.size());
    json.put("checksum", r.md5());
    json.put("multihash", Map.of("algorithm", r.multihash().algorithm().name(),
        "value", r.multihash().value()));
    json.put("metadata", r.metadata());
    json.put("format", stored.disk().format());
    json.put("virtual_size", stored.disk().virtualSize());
    if (!stored.disk().isSafe()) {
      json.put("safety", InspectCommand.safety(stored.disk().safety()));
    }
    if (options.json) {
      Json.print(out, json);
    } else {
      json.forEach((k, v) -> out.println(k + ": " + (v instanceof Map<?, ?> m && m.containsKey("value")
          ? m.get("algorithm") + ":" + m.get("value") : v)));
    }
  }
}
