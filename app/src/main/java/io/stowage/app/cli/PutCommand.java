package io.stowage.app.cli;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.store.Capability;
import io.stowage.api.disk.DiskInfo;
import io.stowage.api.ImageIds;
import io.stowage.api.InvalidImageDataException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.Store;
import io.stowage.api.StowageException;
import io.stowage.app.disk.InspectingInputStream;
import io.stowage.app.Host;
import io.stowage.app.store.Stores;
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

  @Option(names = "--progress", description = "Report bytes stored so far on stderr while adding.")
  boolean progress;

  @Option(names = "--allow-unsafe",
      description = "Store images that fail the safety checks (differencing disks, corruption).")
  boolean allowUnsafe;

  @Parameters(paramLabel = "FILE|-", description = "The image file, or - for standard input.")
  String source;

  @Override
  public Integer call() throws IOException {
    String id = ImageIds.requireValid(imageId == null ? UUID.randomUUID().toString() : imageId);
    if (declaredSize != null && declaredSize < 0) {
      throw new UsageException("--size must not be negative");
    }
    try (Host host = root.boot(options.config); InputStream source = open()) {
      Store store = storeId == null ? host.stores().forWriting() : host.stores().byId(storeId);
      Stores.requireCapability(store, Capability.WRITE, "store images");
      InspectingInputStream data =
          new InspectingInputStream(source, host.diskFormats(), allowUnsafe);
      AddRequest request = AddRequest.of(id, data)
          .withHashAlgorithm(host.config().hashAlgorithm())
          .withSizeCap(host.config().imageSizeCap().bytes());
      Long size = declaredSize != null ? declaredSize : fileSize();
      if (size != null) {
        request = request.withDeclaredSize(size);
      }
      ProgressLine progressLine = new ProgressLine(root.console.err());
      if (progress) {
        request = request.withProgress(progressLine);
      }
      AddResult result;
      try {
        result = store.add(request);
      } catch (StowageException e) {
        progressLine.end();
        if (data.refusal().isPresent()) {
          throw new InvalidImageDataException(data.refusal().get()
              + "; nothing was stored (--allow-unsafe stores it anyway)", e);
        }
        throw e;
      }
      progressLine.end();
      print(root.console.out(), store.id(), result, data.result().orElseThrow(
          () -> new IllegalStateException("store " + store.id() + " did not read the image to its end")));
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

  private void print(PrintStream out, String store, AddResult r, DiskInfo disk) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("location", r.location().uri().toString());
    json.put("store", store);
    json.put("size", r.size());
    json.put("checksum", r.md5());
    json.put("multihash", Map.of("algorithm", r.multihash().algorithm().name(),
        "value", r.multihash().value()));
    json.put("metadata", r.metadata());
    json.put("format", disk.format());
    json.put("virtual_size", disk.virtualSize());
    if (!disk.isSafe()) {
      json.put("safety", InspectCommand.json(disk).get("safety"));
    }
    if (options.json) {
      Json.print(out, json);
    } else {
      json.forEach((k, v) -> out.println(k + ": " + (v instanceof Map<?, ?> m && m.containsKey("value")
          ? m.get("algorithm") + ":" + m.get("value") : v)));
    }
  }
}
