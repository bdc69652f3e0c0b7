package io.stowage.app.cli;

import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.AddResult;
import io.stowage.app.Host;
import io.stowage.app.service.PutRequest;
import io.stowage.app.service.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
      return Cli.OK;
    }
  }

  private InputStream open() throws IOException {
    if (source.equals("-")) {
      return root.console.in();
    }
    Path file = Path.of(source);
    if (Files.isDirectory(file)) {
      throw new InvalidRequestException(source + " is a directory, not an image file");
    }
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new InvalidRequestException(source + " does not exist");
    } catch (AccessDeniedException e) {
      throw new InvalidRequestException("cannot read " + source + ": permission denied");
    }
  }

  private Long fileSize() throws IOException {
    if (source.equals("-")) {
      return null;
    }
    Path file = Path.of(source);
    return Files.isRegularFile(file) ? Files.size(file) : null;
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
