package io.stowage.app.image;

import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.UploadProgress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Images as Glance v2 renders them (the API bodies and the CLI {@code --json} output): extra properties at the top level beside the base ones,
 * nulls for what is unset, times in whole seconds UTC, and the {@code self}/{@code file}/
 * {@code schema} links. Locations stay private (Glance's {@code show_multiple_locations=False}).
 */
public final class ImageJson {
  private ImageJson() {}

  /** The image as the API shows it. */
  public static Map<String, Object> render(ImageRecord image) {
    Map<String, Object> json = new LinkedHashMap<>(image.properties());
    json.put("name", image.name().orElse(null));
    json.put("disk_format", image.diskFormat().orElse(null));
    json.put("container_format", image.containerFormat().orElse(null));
    json.put("visibility", image.visibility().wireName());
    json.put("size", value(image.size()));
    json.put("virtual_size", value(image.virtualSize()));
    json.put("status", image.status().wireName());
    json.put("checksum", image.checksum().orElse(null));
    json.put("protected", image.isProtected());
    json.put("min_ram", image.minRam());
    json.put("min_disk", image.minDisk());
    json.put("owner", image.owner().orElse(null));
    json.put("os_hidden", image.osHidden());
    json.put("os_hash_algo", image.osHashAlgo().orElse(null));
    json.put("os_hash_value", image.osHashValue().orElse(null));
    json.put("id", image.id());
    json.put("created_at", time(image.createdAt()));
    json.put("updated_at", time(image.updatedAt()));
    json.put("tags", image.tags());
    json.put("self", "/v2/images/" + image.id());
    json.put("file", "/v2/images/" + image.id() + "/file");
    json.put("schema", "/v2/schemas/image");
    return json;
  }

  /** {@code GET /v2/images/{id}/progress}; zeros and nulls before any upload started. */
  public static Map<String, Object> progress(ImageRecord image, Optional<UploadProgress> progress) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("image_id", image.id());
    json.put("status", image.status().wireName());
    json.put("bytes_received", progress.map(UploadProgress::bytesReceived).orElse(0L));
    json.put("bytes_total", progress.map(p -> value(p.bytesTotal())).orElse(null));
    json.put("started_at", progress.map(p -> time(p.startedAt())).orElse(null));
    json.put("updated_at", progress.map(p -> time(p.updatedAt())).orElse(null));
    json.put("bytes_per_second", progress.map(UploadProgress::bytesPerSecond).orElse(0L));
    return json;
  }

  /** The API time format: whole seconds, UTC, {@code 2024-05-01T12:00:00Z}. */
  public static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  private static Long value(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }
}
