package io.stowage.app.cli;


import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.store.Location;
import io.stowage.api.StoreIOException;
import io.stowage.app.Host;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
      description = "Write to FILE (atomically: a temporary file renamed when complete).")
  Path output;

  @Option(names = "--offset", paramLabel = "BYTES", description = "Start at this byte.")
  long offset;

  @Option(names = "--length", paramLabel = "BYTES", description = "Read at most this many bytes.")
  Long length;

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
        data.transferTo(Channels.newChannel(root.console.out()));
      } else {
        writeAtomically(data, output);
      }
      return Cli.OK;
    }
  }

  private static void writeAtomically(ImageData data, Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new InvalidRequestException(target + " is a directory");
    }
    Path temp;
    try {
      temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
    } catch (NoSuchFileException e) {
      throw new InvalidRequestException("folder " + absolute.getParent() + " does not exist");
    } catch (AccessDeniedException e) {
      throw new InvalidRequestException("cannot write to " + absolute.getParent() + ": permission denied");
    }
    boolean done = false;
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      long copied = data.transferTo(out);
      if (copied != data.size()) {
        throw new StoreIOException("read " + copied + " bytes where " + data.size() + " were expected");
      }
      out.force(true);
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
  }
}
