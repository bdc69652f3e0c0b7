package io.stowage.app.image;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.NotFoundException;
import io.stowage.app.registry.ImageMember;
import io.stowage.app.registry.ImageRecord;
import io.stowage.app.registry.ImageRegistry;
import io.stowage.app.registry.MemberStatus;
import io.stowage.app.registry.Scope;
import io.stowage.app.registry.Visibility;
import java.util.List;

/**
 * Image sharing with Glance v2's rules: only a {@code shared} image has members; its owner (or
 * an admin) adds and removes them; each member project — not the owner — accepts or rejects;
 * a member sees the image whatever its answer, and lists it when it accepted. The owner sees
 * every membership, a member only its own. Another project sees neither image nor members
 * (404).
 *
 * <p>Thread-safe: the registry serialises what must be.
 */
public final class ImageMembers {
  /** Glance's {@code image_member_quota}. */
  public static final int MAX_MEMBERS = 128;

  private final ImageService images;
  private final ImageRegistry registry;

  ImageMembers(ImageService images, ImageRegistry registry) {
    this.images = images;
    this.registry = registry;
  }

  /**
   * The memberships the scope may see: all for the owner and admins, else the caller's own.
   *
   * @throws NotFoundException the scope does not see the image
   * @throws ImageForbiddenException the image is not shared
   */
  public List<ImageMember> list(Scope scope, String imageId) {
    ImageRecord image = shared(scope, imageId, "list members");
    if (scope.canModify(image)) {
      return registry.members(imageId);
    }
    return registry.member(imageId, scope.project().orElseThrow()).stream().toList();
  }

  /**
   * One membership.
   *
   * @throws NotFoundException no such image or membership for the scope, or the image is not
   *     shared (Glance answers 404 there)
   */
  public ImageMember show(Scope scope, String imageId, String member) {
    ImageRecord image = images.show(scope, imageId);
    if (image.visibility() != Visibility.SHARED) {
      throw new NotFoundException("Only shared images have members.");
    }
    if (!scope.canModify(image) && !scope.project().orElse("").equals(member)) {
      throw noMember(imageId, member);
    }
    return registry.member(imageId, member).orElseThrow(() -> noMember(imageId, member));
  }

  /**
   * Offers the image to project {@code member}, pending its answer.
   *
   * @throws ImageForbiddenException the image is not shared, or the caller does not own it
   * @throws io.stowage.api.DuplicateException the project is a member already
   * @throws io.stowage.api.StorageFullException the image has {@link #MAX_MEMBERS} members
   */
  public ImageMember add(Scope scope, String imageId, String member) {
    ImageRecord image = shared(scope, imageId, "create members");
    if (!scope.canModify(image)) {
      throw new ImageForbiddenException("Not allowed to create members for image " + imageId
          + ": only its owner may share it.");
    }
    requireMemberId(member);
    return registry.addMember(imageId, member, MAX_MEMBERS);
  }

  /**
   * Records the member's answer. Only the member itself (or an admin) answers.
   *
   * @throws ImageForbiddenException the image is not shared, or the caller is its owner
   * @throws NotFoundException no such membership the scope may see
   */
  public ImageMember update(Scope scope, String imageId, String member, MemberStatus status) {
    ImageRecord image = shared(scope, imageId, "update members");
    if (!scope.admin() && scope.owns(image)) {
      throw new ImageForbiddenException("Not allowed to update members for image " + imageId
          + ": the member, not the owner, accepts or rejects an image.");
    }
    if (!scope.admin() && !scope.project().orElse("").equals(member)) {
      throw noMember(imageId, member);
    }
    return registry.updateMember(imageId, member, status)
        .orElseThrow(() -> noMember(imageId, member));
  }

  /**
   * Ends a membership.
   *
   * @throws ImageForbiddenException the image is not shared, or the caller does not own it
   * @throws NotFoundException no such membership
   */
  public void remove(Scope scope, String imageId, String member) {
    ImageRecord image = shared(scope, imageId, "delete members");
    if (!scope.canModify(image)) {
      throw new ImageForbiddenException("Not allowed to delete members for image " + imageId
          + ": only its owner may.");
    }
    if (!registry.removeMember(imageId, member)) {
      throw noMember(imageId, member);
    }
  }

  private ImageRecord shared(Scope scope, String imageId, String action) {
    ImageRecord image = images.show(scope, imageId);
    if (image.visibility() != Visibility.SHARED) {
      throw new ImageForbiddenException("Not allowed to " + action + " for image " + imageId
          + ": Only shared images have members.");
    }
    return image;
  }

  private static void requireMemberId(String member) {
    if (member.isEmpty() || member.length() > 255 || member.isBlank()) {
      throw new InvalidRequestException("a member is a project id of 1 to 255 characters");
    }
  }

  private static NotFoundException noMember(String imageId, String member) {
    return new NotFoundException(
        member + " not found in the member list of the image " + imageId + ".");
  }
}
