package io.stowage.app.cli;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.UnavailableException;
import io.stowage.api.content.ContentFilter;
import io.stowage.api.content.ContentInfo;
import io.stowage.api.content.ContentStore;
import io.stowage.api.content.Digest;
import io.stowage.api.content.IngestStatus;
import io.stowage.app.Host;
import io.stowage.app.store.ConfiguredStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stowage content ...}: the content store's own API (containerd's {@code ctr content}) on
 * the configured store of type {@code content} ({@code --store} picks one when there are several).
 */
@Command(name = "content",
    description = "Content-addressed blobs and resumable ingests of a content store.",
    subcommands = {
      ContentIngestCommand.class,
      ContentCommand.Status.class,
      ContentCommand.Ls.class,
      ContentCommand.Info.class,
      ContentCommand.Abort.class,
      ContentCommand.Rm.class,
      ContentCommand.Label.class,
    })
final class ContentCommand implements Runnable {
  @ParentCommand StowageCommand root;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(root.console.err());
  }

  /** Options of every content subcommand. */
  static final class StoreOptions {
    @Option(names = "--store", paramLabel = "ID",
        description = "The content store (default: the only store of type content).")
    String storeId;
  }

  /** The content API of the chosen store. */
  static ContentStore contentStore(Host host, String storeId) {
    String id = storeId;
    if (id == null) {
      List<String> ids = host.stores().all().stream()
          .filter(s -> s.type().equals("content")).map(ConfiguredStore::id).toList();
      if (ids.isEmpty()) {
        throw new UnavailableException(
            "no store of type content is configured (stores.<id>.type: content, root: DIR)");
      }
      if (ids.size() > 1) {
        throw new InvalidRequestException("several content stores are configured ("
            + String.join(", ", ids) + "); name one with --store");
      }
      id = ids.get(0);
    }
    String chosen = id;
    return host.stores().byId(id).content().orElseThrow(() -> new InvalidRequestException(
        "store \"" + chosen + "\" is not a content store"));
  }

  static Map<String, Object> json(IngestStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ref", s.ref());
    m.put("offset", s.offset());
    s.total().ifPresent(t -> m.put("total", t));
    m.put("started_at", s.startedAt().toString());
    m.put("updated_at", s.updatedAt().toString());
    return m;
  }

  static Map<String, Object> json(ContentInfo i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("digest", i.digest().toString());
    m.put("size", i.size());
    m.put("created_at", i.createdAt().toString());
    m.put("updated_at", i.updatedAt().toString());
    m.put("labels", i.labels());
    return m;
  }

  static String age(Instant t) {
    Duration d = Duration.between(t, Instant.now());
    if (d.isNegative() || d.toSeconds() < 60) {
      return Math.max(0, d.toSeconds()) + " seconds";
    }
    if (d.toMinutes() < 60) {
      return d.toMinutes() + " minutes";
    }
    return d.toHours() < 48 ? d.toHours() + " hours" : d.toDays() + " days";
  }

  @Command(name = "status",
      description = "Show the active ingests (all, REF's, or those passing --filter on ref).")
  static final class Status implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Mixin CommonOptions options;
    @Mixin StoreOptions store;

    @Option(names = "--filter", paramLabel = "FILTER",
        description = "e.g. 'ref~=^layer' (containerd's filter syntax; repeat for OR).")
    List<String> filters = new ArrayList<>();

    @Parameters(paramLabel = "REF", arity = "0..1", description = "One ingest's ref.")
    String ref;

    @Override
    public Integer call() {
      try (Host host = parent.root.boot(options.config)) {
        ContentStore content = contentStore(host, store.storeId);
        List<IngestStatus> statuses = ref != null ? List.of(content.status(ref))
            : content.statuses(ContentFilter.parse(filters));
        PrintStream out = parent.root.console.out();
        if (options.json) {
          Json.print(out, ref != null ? json(statuses.get(0))
              : statuses.stream().map(ContentCommand::json).toList());
        } else {
          out.printf("%-40s %12s %12s %s%n", "REF", "OFFSET", "TOTAL", "UPDATED");
          for (IngestStatus s : statuses) {
            out.printf("%-40s %12d %12s %s ago%n", s.ref(), s.offset(),
                s.total().isPresent() ? Long.toString(s.total().getAsLong()) : "-",
                age(s.updatedAt()));
          }
        }
        return Cli.OK;
      }
    }
  }

  @Command(name = "ls", description = "List blobs, optionally those passing FILTERs.")
  static final class Ls implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Mixin CommonOptions options;
    @Mixin StoreOptions store;

    @Option(names = "-q", description = "Print only the digests.")
    boolean quiet;

    @Parameters(paramLabel = "FILTER", arity = "0..*",
        description = "e.g. 'labels.app==web', 'digest~=^sha256:ab' (any may match).")
    List<String> filters = new ArrayList<>();

    @Override
    public Integer call() {
      try (Host host = parent.root.boot(options.config)) {
        ContentStore content = contentStore(host, store.storeId);
        ContentFilter filter = ContentFilter.parse(filters);
        PrintStream out = parent.root.console.out();
        List<Map<String, Object>> all = new ArrayList<>();
        if (!options.json && !quiet) {
          out.printf("%-71s %12s %-16s %s%n", "DIGEST", "SIZE", "AGE", "LABELS");
        }
        content.walk(filter, i -> {
          if (options.json) {
            all.add(json(i));
          } else if (quiet) {
            out.println(i.digest());
          } else {
            out.printf("%-71s %12d %-16s %s%n", i.digest(), i.size(), age(i.createdAt()),
                labelsText(i.labels()));
          }
        });
        if (options.json) {
          Json.print(out, all);
        }
        return Cli.OK;
      }
    }
  }

  static String labelsText(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    labels.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  @Command(name = "info", description = "Show a blob's size, times and labels.")
  static final class Info implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Mixin CommonOptions options;
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "DIGEST", description = "sha256:<hex> or sha512:<hex>")
    String digest;

    @Override
    public Integer call() {
      Digest d = Digest.parse(digest);
      try (Host host = parent.root.boot(options.config)) {
        ContentInfo i = contentStore(host, store.storeId).info(d);
        PrintStream out = parent.root.console.out();
        if (options.json) {
          Json.print(out, json(i));
        } else {
          json(i).forEach((k, v) -> out.println(k + ": "
              + (v instanceof Map<?, ?> m ? labelsText(i.labels()) : v)));
        }
        return Cli.OK;
      }
    }
  }

  @Command(name = "abort", description = "Remove ingests and what they wrote.")
  static final class Abort implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Mixin CommonOptions options;
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "REF", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
      try (Host host = parent.root.boot(options.config)) {
        ContentStore content = contentStore(host, store.storeId);
        for (String ref : refs) {
          content.abort(ref);
        }
        if (options.json) {
          Json.print(parent.root.console.out(), Map.of("aborted", refs));
        }
        return Cli.OK;
      }
    }
  }

  @Command(name = "rm", description = "Delete blobs.")
  static final class Rm implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Mixin CommonOptions options;
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "DIGEST", arity = "1..*")
    List<String> digests;

    @Override
    public Integer call() {
      List<Digest> parsed = digests.stream().map(Digest::parse).toList();
      try (Host host = parent.root.boot(options.config)) {
        ContentStore content = contentStore(host, store.storeId);
        for (Digest d : parsed) {
          content.delete(d);
        }
        if (options.json) {
          Json.print(parent.root.console.out(),
              Map.of("deleted", parsed.stream().map(Digest::toString).toList()));
        }
        return Cli.OK;
      }
    }
  }

  @Command(name = "label",
      description = "Set labels of a blob: KEY=VALUE sets, KEY= removes; --replace sets exactly these.")
  static final class Label implements Callable<Integer> {
    @ParentCommand ContentCommand parent;
    @Mixin CommonOptions options;
    @Mixin StoreOptions store;

    @Option(names = "--replace", description = "Replace all labels by the given ones.")
    boolean replace;

    @Parameters(index = "0", paramLabel = "DIGEST")
    String digest;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "0..*")
    List<String> labels = new ArrayList<>();

    @Override
    public Integer call() {
      Digest d = Digest.parse(digest);
      Map<String, String> values = parseLabels(labels);
      if (values.isEmpty() && !replace) {
        throw new UsageException("give KEY=VALUE labels to set or KEY= to remove");
      }
      Set<String> fields = replace ? Set.of() : new LinkedHashSet<>(values.keySet());
      try (Host host = parent.root.boot(options.config)) {
        ContentInfo i = contentStore(host, store.storeId).updateLabels(d, values, fields);
        PrintStream out = parent.root.console.out();
        if (options.json) {
          Json.print(out, json(i));
        } else {
          out.println(i.digest() + " " + labelsText(i.labels()));
        }
        return Cli.OK;
      }
    }
  }

  /** {@code KEY=VALUE} arguments, in order. */
  static Map<String, String> parseLabels(List<String> args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("label \"" + arg + "\" is not KEY=VALUE");
      }
      values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return values;
  }
}
