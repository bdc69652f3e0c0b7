package io.stowage.app.image;

import io.stowage.api.DataSize;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code quota:} section ({@link io.stowage.app.config.HostConfig#quota()}): how many
 * bytes of image data each project may store ({@code quota: {per_project: 100GiB}}). Images without an owner count against no quota.
 *
 * @param perProject the limit per project; empty: unlimited
 */
public record ProjectQuota(Optional<DataSize> perProject) {
  /** No limit. */
  public static final ProjectQuota NONE = new ProjectQuota(Optional.empty());

  public ProjectQuota {
    Objects.requireNonNull(perProject, "perProject");
  }
}
