package io.stowage.app.cli;


import io.stowage.api.DataSize;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.disk.DiskSpec;
import io.stowage.api.InvalidRequestException;
import io.stowage.app.Host;
import io.stowage.app.disk.DiskFormats;
import io.stowage.app.disk.RawConverter;
import io.stowage.api.io.AtomicFile;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "disk", description = "Create, convert, resize and re-parent disk images.",
    subcommands = {DiskCommand.Create.class, DiskCommand.Convert.class, DiskCommand.Resize.class,
        DiskCommand.Reconnect.class})
final class DiskCommand implements Runnable {
  @ParentCommand StowageCommand root;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static long size(String text, String option) {
    try {
      return DataSize.parse(text).bytes();
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  static int sector(int bytes, String option) {
    if (bytes != 512 && bytes != 4096) {
      throw new UsageException(option + " must be 512 or 4096");
    }
    return bytes;
  }

  @Command(name = "create", description = "Create an empty disk image (dynamic, fixed or differencing).")
  static final class Create implements Callable<Integer> {
    @ParentCommand DiskCommand disk;
    @Mixin CommonOptions options;

    @Option(names = "--format", defaultValue = "vhdx", description = "Disk format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--size", description = "Virtual size, e.g. 10GiB (differencing: default the parent's).")
    String size;

    @Option(names = "--block-size", description = "Block size, e.g. 32MiB (default: the format's choice).")
    String blockSize;

    @Option(names = "--logical-sector", description = "512 or 4096 (default: 512; differencing: the parent's).")
    Integer logicalSector;

    @Option(names = "--physical-sector", description = "512 or 4096 (default: the logical sector size).")
    Integer physicalSector;

    @Option(names = "--log-size", description = "VHDX log size, e.g. 1MiB (default: 1MiB).")
    String logSize;

    @Option(names = "--fixed", description = "Allocate every block now.")
    boolean fixed;

    @Option(names = "--parent", paramLabel = "FILE", description = "Make a differencing disk of FILE.")
    Path parent;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      if (size == null && parent == null) {
        throw new UsageException("--size is required (except with --parent)");
      }
      DiskSpec spec = parent != null ? DiskSpec.differencing(parent) : DiskSpec.dynamic(0);
      if (size != null) {
        spec = new DiskSpec(size(size, "--size"), spec.blockSize(), spec.logicalSectorSize(),
            spec.physicalSectorSize(), spec.logSize(), false, spec.parent());
      }
      if (fixed) {
        spec = spec.withFixed(true);
      }
      if (blockSize != null) {
        spec = spec.withBlockSize(size(blockSize, "--block-size"));
      }
      if (logicalSector != null) {
        spec = spec.withLogicalSectorSize(sector(logicalSector, "--logical-sector"));
      }
      if (physicalSector != null) {
        spec = spec.withPhysicalSectorSize(sector(physicalSector, "--physical-sector"));
      }
      if (logSize != null) {
        spec = spec.withLogSize(size(logSize, "--log-size"));
      }
      final DiskSpec made = spec;
      try (Host host = disk.root.boot(options.config)) {
        DiskFormats formats = host.diskFormats();
        formats.named(format).create(file, made);
        if (options.json) {
          Json.print(disk.root.console.out(), InspectCommand.json(formats.inspect(file)));
        }
        return Cli.OK;
      }
    }
  }

  @Command(name = "convert", description = "Write the guest-visible bytes of an image as a raw file.")
  static final class Convert implements Callable<Integer> {
    @ParentCommand DiskCommand disk;
    @Mixin CommonOptions options;

    @Option(names = "--to", required = true, description = "Output format; only raw.")
    String to;

    @Parameters(index = "0", paramLabel = "IN")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT")
    Path out;

    @Option(names = "--force", description = "Replace OUT if it exists (never the input).")
    boolean force;

    @Override
    public Integer call() {
      if (!to.equals("raw")) {
        throw new UsageException("--to: only raw is supported");
      }
      try (Host host = disk.root.boot(options.config)) {
        Optional<DiskFormat> format = host.diskFormats().detect(in);
        long size;
        try (AtomicFile file = OutputFile.open(out, force, List.of(in))) {
          size = RawConverter.convert(format, in, file);
          OutputFile.commit(file, force);
        }
        if (options.json) {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("format", format.map(DiskFormat::name).orElse(DiskFormats.RAW));
          json.put("output", out.toAbsolutePath().toString());
          json.put("size", size);
          Json.print(disk.root.console.out(), json);
        }
        return Cli.OK;
      }
    }
  }

  @Command(name = "resize", description = "Grow the virtual size of a dynamic disk in place.")
  static final class Resize implements Callable<Integer> {
    @ParentCommand DiskCommand disk;
    @Mixin CommonOptions options;

    @Option(names = "--size", required = true, description = "The new virtual size, e.g. 20GiB.")
    String size;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      long bytes = size(size, "--size");
      try (Host host = disk.root.boot(options.config)) {
        detected(host, file).resize(file, bytes);
        return Cli.OK;
      }
    }
  }

  @Command(name = "reconnect", description = "Point a differencing disk at its parent's new path.")
  static final class Reconnect implements Callable<Integer> {
    @ParentCommand DiskCommand disk;
    @Mixin CommonOptions options;

    @Option(names = "--parent", required = true, paramLabel = "FILE", description = "The parent's new path.")
    Path parent;

    @Option(names = "--force", description = "Accept a parent that is not the one the disk was made from.")
    boolean force;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      try (Host host = disk.root.boot(options.config)) {
        detected(host, file).reconnectParent(file, parent, force);
        return Cli.OK;
      }
    }
  }

  static DiskFormat detected(Host host, Path file) {
    return host.diskFormats().detect(file)
        .orElseThrow(() -> new InvalidRequestException(file + " is not in a format any plugin handles"));
  }
}
