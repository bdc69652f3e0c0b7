package io.stowage.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.io.AtomicFile;
import io.stowage.app.Host;
import io.stowage.app.config.ConfigLoader;
import io.stowage.app.image.ImageJson;
import io.stowage.app.image.ImageService;
import io.stowage.app.image.LocalImageService;
import io.stowage.app.image.PropertyChange;
import io.stowage.app.image.Upload;
import io.stowage.app.registry.ImagePage;
import io.stowage.app.registry.ImageQuery;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.ImageStatus;
import io.stowage.app.registry.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stowage image ...}: the image service on this host's registry and stores, without a
 * server (safe while one runs on them), acting as an admin.
 */
@Command(name = "image", description = "Create, upload, download, show, list, update and delete images"
    + " in the registry.", subcommands = {
      ImageCommand.Create.class, ImageCommand.UploadData.class, ImageCommand.Download.class,
      ImageCommand.Show.class, ImageCommand.ListImages.class, ImageCommand.Update.class,
      ImageCommand.Delete.class})
final class ImageCommand implements Runnable {
  @ParentCommand StowageCommand root;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs {@code action} on the image service of the configured host. */
  int run(CommonOptions options, ServiceAction action) throws IOException {
    ConfigLoader loader = new ConfigLoader();
    try (Host host = Host.boot(root.config(loader, options.config), loader);
        LocalImageService images = LocalImageService.open(host)) {
      action.run(images.service());
      return Cli.OK;
    }
  }

  interface ServiceAction {
    void run(ImageService images) throws IOException;
  }

  PrintStream out() {
    return root.console.out();
  }

  void print(CommonOptions options, ImageRecord image) {
    Map<String, Object> json = ImageJson.render(image);
    if (options.json) {
      Json.print(out(), json);
    } else {
      json.forEach((k, v) -> out().println(k + ": " + (v == null ? "" : v)));
    }
  }

  /** Properties given as options, in the API's terms. */
  static final class Properties {
    @Option(names = "--name", paramLabel = "NAME") String name;
    @Option(names = "--disk-format", paramLabel = "FORMAT",
        description = "raw, qcow2, vmdk, vhd, vhdx, vdi, iso, ploop, ami, ari, aki.")
    String diskFormat;
    @Option(names = "--container-format", paramLabel = "FORMAT",
        description = "bare, ovf, ova, docker, compressed, ami, ari, aki.")
    String containerFormat;
    @Option(names = "--visibility", paramLabel = "VISIBILITY",
        description = "public, private, shared or community.")
    String visibility;
    @Option(names = "--protected", paramLabel = "true|false", arity = "1") Boolean isProtected;
    @Option(names = "--min-disk", paramLabel = "GIB") Integer minDisk;
    @Option(names = "--min-ram", paramLabel = "MIB") Integer minRam;
    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "An extra property (repeatable).")
    List<String> properties = new ArrayList<>();

    List<PropertyChange> changes() {
      JsonNodeFactory f = JsonNodeFactory.instance;
      List<PropertyChange> changes = new ArrayList<>();
      if (name != null) {
        changes.add(PropertyChange.set("name", name));
      }
      if (diskFormat != null) {
        changes.add(PropertyChange.set("disk_format", diskFormat));
      }
      if (containerFormat != null) {
        changes.add(PropertyChange.set("container_format", containerFormat));
      }
      if (visibility != null) {
        changes.add(PropertyChange.set("visibility", visibility));
      }
      if (isProtected != null) {
        changes.add(PropertyChange.set("protected", f.booleanNode(isProtected)));
      }
      if (minDisk != null) {
        changes.add(PropertyChange.set("min_disk", f.numberNode(minDisk)));
      }
      if (minRam != null) {
        changes.add(PropertyChange.set("min_ram", f.numberNode(minRam)));
      }
      for (String p : properties) {
        int eq = p.indexOf('=');
        if (eq <= 0) {
          throw new UsageException("--property takes KEY=VALUE, not \"" + p + "\"");
        }
        changes.add(PropertyChange.set(p.substring(0, eq), p.substring(eq + 1)));
      }
      return changes;
    }
  }

  /** The data to upload: a file or standard input, with its size when known. */
  static Upload upload(Console console, String source, Long size, String store, TransferProgress progress)
      throws IOException {
    InputStream in;
    OptionalLong declared = size == null ? OptionalLong.empty() : OptionalLong.of(size);
    if (source.equals("-")) {
      in = console.in();
    } else {
      Path file = Path.of(source);
      if (Files.isDirectory(file)) {
        throw new InvalidRequestException(source + " is a directory, not an image file");
      }
      try {
        in = Files.newInputStream(file);
      } catch (NoSuchFileException e) {
        throw new InvalidRequestException(source + " does not exist");
      }
      if (declared.isEmpty() && Files.isRegularFile(file)) {
        declared = OptionalLong.of(Files.size(file));
      }
    }
    return new Upload(in, declared, Optional.ofNullable(store), Optional.empty(), progress);
  }

  @Command(name = "create", description = "Record a new image (and upload its data with --file).")
  static final class Create implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Mixin CommonOptions options;
    @picocli.CommandLine.ArgGroup(exclusive = false) Properties properties = new Properties();
    @Option(names = "--id", paramLabel = "UUID", description = "The id (default: a random UUID).") String id;
    @Option(names = "--tag", paramLabel = "TAG", description = "A tag (repeatable).") List<String> tags = new ArrayList<>();
    @Option(names = "--file", paramLabel = "FILE|-", description = "Upload this data too.") String file;
    @Option(names = "--store", paramLabel = "ID", description = "The store for --file's data.") String store;

    @Override
    public Integer call() throws IOException {
      return image.run(options, images -> {
        Map<String, JsonNode> body = new LinkedHashMap<>();
        if (id != null) {
          body.put("id", JsonNodeFactory.instance.textNode(id));
        }
        for (PropertyChange c : properties.changes()) {
          body.put(c.property(), c.value().orElseThrow());
        }
        if (!tags.isEmpty()) {
          var array = JsonNodeFactory.instance.arrayNode();
          tags.forEach(array::add);
          body.put("tags", array);
        }
        ImageRecord created = images.create(Scope.ADMIN, body);
        if (file != null) {
          created = UploadData.send(image, images, created.id(), file, null, store);
        }
        image.print(options, created);
      });
    }
  }

  @Command(name = "upload", description = "Upload a queued image's data.")
  static final class UploadData implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Mixin CommonOptions options;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1", paramLabel = "FILE|-", description = "The data, or - for standard input.") String file;
    @Option(names = "--size", paramLabel = "BYTES", description = "The size the data must have.") Long size;
    @Option(names = "--store", paramLabel = "ID", description = "The store (default: default_store).") String store;

    @Override
    public Integer call() throws IOException {
      if (size != null && size < 0) {
        throw new UsageException("--size must not be negative");
      }
      return image.run(options, images -> image.print(options, send(image, images, id, file, size, store)));
    }

    static ImageRecord send(ImageCommand image, ImageService images, String id, String file, Long size,
        String store) throws IOException {
      try (TransferProgress progress = TransferProgress.on(image.root.console.err(), "uploaded",
          OptionalLong.empty())) {
        Upload upload = upload(image.root.console, file, size, store, progress);
        try (InputStream in = upload.data()) {
          return images.upload(Scope.ADMIN, id, upload);
        }
      }
    }
  }

  @Command(name = "download", description = "Write an image's data to a file or standard output.")
  static final class Download implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Mixin CommonOptions options;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Option(names = {"--file", "-o"}, paramLabel = "FILE|-", description = "Where to write (default: standard output).")
    String file = "-";

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Override
    public Integer call() throws IOException {
      return image.run(options, images -> {
        ImageRecord record = images.show(Scope.ADMIN, id);
        if (!ImageService.hasData(record)) {
          throw new InvalidRequestException("image " + id + " has no data (status "
              + record.status().wireName() + ")");
        }
        try (ImageData data = images.download(Scope.ADMIN, record, ByteRange.ALL);
            TransferProgress progress = TransferProgress.on(image.root.console.err(), "downloaded",
                OptionalLong.of(data.size()))) {
          if (file.equals("-")) {
            copy(data, Channels.newChannel(image.out()), progress);
            image.out().flush();
          } else {
            // The same rules as every command that writes a file: whole or nothing, an
            // existing file kept unless --force, leftovers of a killed download removed.
            try (AtomicFile out = OutputFile.open(Path.of(file), force, List.of())) {
              copy(data, out.channel(), progress);
              OutputFile.commit(out, force);
            }
          }
        }
      });
    }

    private static void copy(ImageData data, WritableByteChannel out, TransferProgress progress)
        throws IOException {
      long done = 0;
      OptionalLong total = OptionalLong.of(data.size());
      var region = data.fileRegion();
      if (region.isPresent() && out instanceof FileChannel) {
        var r = region.get();
        while (done < r.count()) {
          long n = r.file().transferTo(r.position() + done, Math.min(64L << 20, r.count() - done), out);
          if (n <= 0) {
            throw new IOException("the image file ended early");
          }
          done += n;
          progress.update(done, total);
        }
        return;
      }
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (data.channel().read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          done += out.write(buffer);
        }
        buffer.clear();
        progress.update(done, total);
      }
    }
  }

  @Command(name = "show", description = "Show an image.")
  static final class Show implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Mixin CommonOptions options;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws IOException {
      return image.run(options, images -> image.print(options, images.show(Scope.ADMIN, id)));
    }
  }

  @Command(name = "list", description = "List images, newest first.")
  static final class ListImages implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Mixin CommonOptions options;
    @Option(names = "--name", paramLabel = "NAME") String name;
    @Option(names = "--status", paramLabel = "STATUS") String status;
    @Option(names = "--tag", paramLabel = "TAG") List<String> tags = new ArrayList<>();
    @Option(names = "--limit", paramLabel = "N", description = "At most N images (default: all).") Integer limit;

    @Override
    public Integer call() throws IOException {
      return image.run(options, images -> {
        List<ImageRecord> all = new ArrayList<>();
        Optional<String> marker = Optional.empty();
        do {
          ImageQuery.Builder q = ImageQuery.builder(Scope.ADMIN).limit(100).tags(java.util.Set.copyOf(tags));
          if (name != null) {
            q.name(name);
          }
          if (status != null) {
            q.status(ImageStatus.of(status));
          }
          marker.ifPresent(q::marker);
          ImagePage page = images.list(q.build());
          all.addAll(page.images());
          marker = page.nextMarker();
        } while (marker.isPresent() && (limit == null || all.size() < limit));
        List<ImageRecord> shown = limit == null ? all : all.subList(0, Math.min(limit, all.size()));
        if (options.json) {
          Json.print(image.out(), Map.of("images", shown.stream().map(ImageJson::render).toList()));
        } else {
          image.out().printf("%-36s  %-8s  %12s  %s%n", "ID", "STATUS", "SIZE", "NAME");
          for (ImageRecord r : shown) {
            image.out().printf("%-36s  %-8s  %12s  %s%n", r.id(), r.status().wireName(),
                r.size().isPresent() ? Long.toString(r.size().getAsLong()) : "-", r.name().orElse(""));
          }
        }
      });
    }
  }

  @Command(name = "update", description = "Change an image's properties.")
  static final class Update implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Mixin CommonOptions options;
    @Parameters(paramLabel = "ID") String id;
    @picocli.CommandLine.ArgGroup(exclusive = false) Properties properties = new Properties();
    @Option(names = "--remove-property", paramLabel = "KEY") List<String> removed = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      List<PropertyChange> changes = new ArrayList<>(properties.changes());
      removed.forEach(k -> changes.add(PropertyChange.remove(k)));
      if (changes.isEmpty()) {
        throw new UsageException("nothing to change: give --name, --property, --remove-property, ...");
      }
      return image.run(options, images -> image.print(options, images.update(Scope.ADMIN, id, changes)));
    }
  }

  @Command(name = "delete", description = "Delete images and their data.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand ImageCommand image;
    @Mixin CommonOptions options;
    @Parameters(paramLabel = "ID", arity = "1..*") List<String> ids;

    @Override
    public Integer call() throws IOException {
      return image.run(options, images -> {
        for (String id : ids) {
          images.delete(Scope.ADMIN, id);
          if (!options.json) {
            image.out().println("deleted " + id);
          }
        }
        if (options.json) {
          Json.print(image.out(), Map.of("deleted", ids));
        }
      });
    }
  }
}
