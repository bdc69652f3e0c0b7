package io.stowage.app.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * Whose eyes a registry read goes through: the caller's project, if any, and whether the caller
 * is an admin. Admins see and change everything. Others see public and community images and
 * every image their project owns; another project's private image, and its shared image unless
 * they are a member ({@link #canSee} does not know members: the image service asks the
 * registry), does not exist for them.
 *
 * @param project the caller's project (the owner of what it creates)
 * @param admin whether the caller has the admin role
 */
public record Scope(Optional<String> project, boolean admin) {
  /** Everything: the local CLI, a server without auth, and internal tasks. */
  public static final Scope ADMIN = new Scope(Optional.empty(), true);

  public Scope {
    Objects.requireNonNull(project, "project");
  }

  /** A non-admin caller acting for {@code project}. */
  public static Scope project(String project) {
    return new Scope(Optional.of(project), false);
  }

  /** Whether this caller may see {@code image}. */
  public boolean canSee(ImageRecord image) {
    return admin
        || image.visibility() == Visibility.PUBLIC
        || image.visibility() == Visibility.COMMUNITY
        || owns(image);
  }

  /** Whether this caller may change or delete {@code image}: admins, and the owner's project. */
  public boolean canModify(ImageRecord image) {
    return admin || owns(image);
  }

  /** Whether the caller's project owns {@code image} (admins own nothing by being admins). */
  public boolean owns(ImageRecord image) {
    return project.isPresent() && image.owner().equals(project);
  }
}
