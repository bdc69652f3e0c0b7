package io.stowage.app.registry;

import io.stowage.api.ImageIds;
import io.stowage.api.InvalidRequestException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller supplies to {@link ImageRegistry#create}: everything else (status
 * {@code queued}, no data, timestamps) the registry fills in. Build one with {@link #builder()}.
 *
 * @param id the image id to use; a random UUID when empty
 */
public record NewImage(
    Optional<String> id,
    Optional<String> name,
    Optional<String> diskFormat,
    Optional<String> containerFormat,
    int minDisk,
    int minRam,
    boolean isProtected,
    boolean osHidden,
    Visibility visibility,
    Optional<String> owner,
    Set<String> tags,
    Map<String, String> properties) {

  public NewImage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(diskFormat, "diskFormat");
    Objects.requireNonNull(containerFormat, "containerFormat");
    Objects.requireNonNull(visibility, "visibility");
    Objects.requireNonNull(owner, "owner");
    ImageRecord.checkText("name", name);
    ImageRecord.checkText("disk_format", diskFormat);
    ImageRecord.checkText("container_format", containerFormat);
    ImageRecord.checkText("owner", owner);
    if (minDisk < 0 || minRam < 0) {
      throw new InvalidRequestException("min_disk and min_ram must not be negative");
    }
    id.ifPresent(ImageIds::requireValid);
    tags = ImageRecord.sortedTags(tags);
    properties = ImageRecord.sortedProperties(properties);
  }

  /** A builder with Glance's defaults: no id (random), visibility {@code shared}, nothing else. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects a {@link NewImage}. Not thread-safe. */
  public static final class Builder {
    private Optional<String> id = Optional.empty();
    private Optional<String> name = Optional.empty();
    private Optional<String> diskFormat = Optional.empty();
    private Optional<String> containerFormat = Optional.empty();
    private int minDisk;
    private int minRam;
    private boolean isProtected;
    private boolean osHidden;
    private Visibility visibility = Visibility.SHARED;
    private Optional<String> owner = Optional.empty();
    private Set<String> tags = Set.of();
    private Map<String, String> properties = Map.of();

    private Builder() {}

    public Builder id(String id) {
      this.id = Optional.of(id);
      return this;
    }

    public Builder name(String name) {
      this.name = Optional.of(name);
      return this;
    }

    public Builder diskFormat(String diskFormat) {
      this.diskFormat = Optional.of(diskFormat);
      return this;
    }

    public Builder containerFormat(String containerFormat) {
      this.containerFormat = Optional.of(containerFormat);
      return this;
    }

    public Builder minDisk(int minDisk) {
      this.minDisk = minDisk;
      return this;
    }

    public Builder minRam(int minRam) {
      this.minRam = minRam;
      return this;
    }

    public Builder isProtected(boolean isProtected) {
      this.isProtected = isProtected;
      return this;
    }

    public Builder osHidden(boolean osHidden) {
      this.osHidden = osHidden;
      return this;
    }

    public Builder visibility(Visibility visibility) {
      this.visibility = visibility;
      return this;
    }

    public Builder owner(String owner) {
      this.owner = Optional.of(owner);
      return this;
    }

    public Builder tags(Set<String> tags) {
      this.tags = tags;
      return this;
    }

    public Builder properties(Map<String, String> properties) {
      this.properties = properties;
      return this;
    }

    public NewImage build() {
      return new NewImage(id, name, diskFormat, containerFormat, minDisk, minRam, isProtected,
          osHidden, visibility, owner, tags, properties);
    }
  }
}
