package io.stowage.app.cli;


import io.stowage.api.store.Location;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A location argument and the optional store it belongs to. */
final class LocationOptions {
  @Parameters(paramLabel = "LOCATION", description = "The image's location, as printed by put.")
  String location;

  @Option(names = "--store", paramLabel = "ID",
      description = "The store that holds it (default: found from the location's scheme).")
  String storeId;

  Location parse() {
    Location parsed = Location.parse(location);
    return storeId == null ? parsed : new Location(parsed.uri(), Optional.of(storeId), Map.of());
  }
}
