package io.stowage.app.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * A project a shared image is offered to ({@link ImageRegistry#addMember}), and its answer.
 *
 * @param imageId the image
 * @param member the project (Glance's {@code member_id})
 * @param status pending until the member accepts or rejects
 */
public record ImageMember(
    String imageId, String member, MemberStatus status, Instant createdAt, Instant updatedAt) {
  public ImageMember {
    Objects.requireNonNull(imageId, "imageId");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
