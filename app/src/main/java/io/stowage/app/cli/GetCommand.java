package io.stowage.app.cli;


import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.store.Location;
import io.stowage.api.StoreIOException;
import io.stowage.app.Host;
import io.stowage.api.StowageException;
import io.stowage.api.io.AtomicFile;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "get", description = "Read an image (or a range of it) to a file or standard output.")
final class GetCommand implements Callable<Integer> {
  @ParentCommand StowageCommand root;
  @Mixin CommonOptions options;
  @Mixin LocationOptions where;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write to FILE (atomically: a temporary file renamed when complete; an existing FILE only with --force).")
  Path output;

  @Option(names = "--offset", paramLabel = "BYTES", description = "Start at this byte.")
  long offset;

  @Option(names = "--length", paramLabel = "BYTES", description = "Read at most this many bytes.")
  Long length;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (offset < 0 || (length != null && length < 0)) {
      throw new UsageException("--offset and --length must not be negative");
    }
    ByteRange range = new ByteRange(offset, length == null ? OptionalLong.empty() : OptionalLong.of(length));
    Location location = where.parse();
    try (Host host = root.boot(options.config);
        ImageData data = host.imageStorage().open(location, range)) {
      if (output == null) {
        // Straight to the checked stream: a failed write stops the copy (see Cli).
        data.transferTo(Channels.newChannel(root.console.stdout()));
        root.console.stdout().flush();
      } else {
        write(data, location);
      }
      return Cli.OK;
    }
  }

  private void write(ImageData data, Location location) {
    List<Path> inputs = new ArrayList<>();
    if ("file".equals(location.uri().getScheme())) {
      try {
        inputs.add(Path.of(location.uri()));
      } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
        // not a local path: nothing to compare with
      }
    }
    try (AtomicFile file = OutputFile.open(output, force, inputs)) {
      long copied;
      try {
        copied = data.transferTo(file.channel());
      } catch (StowageException e) {
        throw OutputFile.copyFailure(output, e);
      }
      if (copied != data.size()) {
        throw new StoreIOException("read " + copied + " bytes where " + data.size() + " were expected");
      }
      OutputFile.commit(file, force);
    }
  }
}
