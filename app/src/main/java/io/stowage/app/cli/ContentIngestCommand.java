package io.stowage.app.cli;

import io.stowage.api.DataStreamException;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.content.CommitResult;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.content.ContentStore;
import io.stowage.api.content.ContentWriter;
import io.stowage.api.content.Digest;
import io.stowage.app.Host;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * {@code stowage content ingest --ref R [--expected DIGEST] FILE|-}: writes the data into the
 * ingest R and commits it under its digest. When R was interrupted before, it resumes: a file is
 * read from where the ingest stopped; from standard input the bytes the ingest already has are
 * read and skipped (send the same data again), as containerd's copy does.
 */
@Command(name = "ingest",
    description = "Store FILE (or - for standard input) as a blob, through the ingest --ref; "
        + "an interrupted ingest of the same ref resumes where it stopped.")
final class ContentIngestCommand implements Callable<Integer> {
  private static final int BUFFER = 1 << 20;

  @ParentCommand ContentCommand parent;
  @Mixin CommonOptions options;
  @Mixin ContentCommand.StoreOptions store;

  @Option(names = "--ref", required = true, paramLabel = "REF",
      description = "The ingest's name (resumed if it exists).")
  String ref;

  @Option(names = "--expected", paramLabel = "DIGEST",
      description = "The digest the data must have; the commit fails otherwise (ingest kept).")
  String expected;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label for the blob.")
  List<String> labels = new ArrayList<>();

  @Option(names = "--progress",
      description = "Report progress on stderr even when it is not a terminal.")
  boolean progress;

  @Parameters(paramLabel = "FILE|-", description = "The data, or - for standard input.")
  String source;

  @Override
  public Integer call() throws IOException {
    Optional<Digest> expectedDigest =
        expected == null ? Optional.empty() : Optional.of(Digest.parse(expected));
    Map<String, String> labelValues = ContentCommand.parseLabels(labels);
    PrintStream out = parent.root.console.out();
    try (Host host = parent.root.boot(options.config); ReadableByteChannel in = open()) {
      ContentStore content = ContentCommand.contentStore(host, store.storeId);
      OptionalLong size = in instanceof FileChannel f ? OptionalLong.of(f.size())
          : OptionalLong.empty();
      if (expectedDigest.isPresent()) {
        Optional<ContentInfo> present = content.find(expectedDigest.get());
        if (present.isPresent()) {
          print(out, present.get().digest(), present.get().size(), "already exists", 0);
          return Cli.OK;
        }
      }
      try (ContentWriter writer = content.writer(ref, size)) {
        long resumed = writer.status().offset();
        skip(in, resumed, size);
        ProgressLine bar = new ProgressLine(parent.root.console.err());
        boolean show = progress || System.console() != null;
        long written = resumed;
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        while (true) {
          buffer.clear();
          int n;
          try {
            n = in.read(buffer);
          } catch (IOException e) {
            throw new DataStreamException("reading " + source + " failed: " + e.getMessage()
                + "; the ingest keeps " + written + " bytes and resumes", e);
          }
          if (n < 0) {
            break;
          }
          buffer.flip();
          writer.write(buffer);
          written += n;
          if (show) {
            bar.onProgress(written, size);
          }
        }
        if (show) {
          bar.end();
        }
        CommitResult r = writer.commit(size, expectedDigest, labelValues);
        print(out, r.digest(), r.size(),
            r.outcome() == CommitResult.Outcome.CREATED ? "created" : "already exists", resumed);
        return Cli.OK;
      }
    }
  }

  private void skip(ReadableByteChannel in, long offset, OptionalLong size) throws IOException {
    if (offset == 0) {
      return;
    }
    if (in instanceof FileChannel f) {
      if (offset > size.getAsLong()) {
        throw new InvalidRequestException("ingest \"" + ref + "\" already has " + offset
            + " bytes, more than " + source + " (" + size.getAsLong() + "); abort it to start again");
      }
      f.position(offset);
      return;
    }
    ByteBuffer discard = ByteBuffer.allocate(BUFFER);
    long left = offset;
    while (left > 0) {
      discard.clear().limit((int) Math.min(discard.capacity(), left));
      int n = in.read(discard);
      if (n < 0) {
        throw new InvalidRequestException("standard input ended before the " + offset
            + " bytes ingest \"" + ref + "\" already has");
      }
      left -= n;
    }
  }

  private ReadableByteChannel open() throws IOException {
    if (source.equals("-")) {
      InputStream stdin = parent.root.console.in();
      return Channels.newChannel(stdin);
    }
    Path file = Path.of(source);
    if (Files.isDirectory(file)) {
      throw new InvalidRequestException(source + " is a directory, not a file");
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new InvalidRequestException(source + " does not exist");
    } catch (AccessDeniedException e) {
      throw new InvalidRequestException("cannot read " + source + ": permission denied");
    }
  }

  private void print(PrintStream out, Digest digest, long size, String outcome, long resumed) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("ref", ref);
    json.put("digest", digest.toString());
    json.put("size", size);
    json.put("outcome", outcome);
    json.put("resumed_from", resumed);
    if (options.json) {
      Json.print(out, json);
    } else {
      out.println(digest + " " + size + " " + outcome
          + (resumed > 0 ? " (resumed from byte " + resumed + ")" : ""));
    }
  }
}
