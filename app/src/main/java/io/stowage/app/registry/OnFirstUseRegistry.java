package io.stowage.app.registry;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * A registry that opens its database on first use, so commands that never touch images pay
 * nothing for it (Flyway's check takes a noticeable part of a second). A failed open is not
 * remembered: the next call tries again, so a server outlives a database that was briefly down.
 */
final class OnFirstUseRegistry implements ImageRegistry {
  private final RegistrySettings settings;
  private volatile ImageRegistry opened; // written under this
  private boolean closed; // guarded by this

  OnFirstUseRegistry(RegistrySettings settings) {
    this.settings = settings;
  }

  private ImageRegistry registry() {
    ImageRegistry r = opened;
    return r != null ? r : openOnce();
  }

  private synchronized ImageRegistry openOnce() {
    if (closed) {
      throw new IllegalStateException("the registry " + settings.describe() + " is closed");
    }
    if (opened == null) {
      opened = ImageRegistry.open(settings);
    }
    return opened;
  }

  @Override
  public ImageRecord create(NewImage image) {
    return registry().create(image);
  }

  @Override
  public Optional<ImageRecord> find(String id) {
    return registry().find(id);
  }

  @Override
  public ImagePage list(ImageQuery query) {
    return registry().list(query);
  }

  @Override
  public ImageRecord update(String id, UnaryOperator<ImageRecord> change) {
    return registry().update(id, change);
  }

  @Override
  public UploadLeases leases() {
    return registry().leases();
  }

  @Override
  public boolean transition(String id, ImageStatus from, ImageStatus to) {
    return registry().transition(id, from, to);
  }

  @Override
  public Optional<ImageRecord> activate(String id, Activation activation) {
    return registry().activate(id, activation);
  }

  @Override
  public boolean delete(String id) {
    return registry().delete(id);
  }

  @Override
  public boolean addTag(String id, String tag) {
    return registry().addTag(id, tag);
  }

  @Override
  public boolean removeTag(String id, String tag) {
    return registry().removeTag(id, tag);
  }

  @Override
  public void startProgress(String id, OptionalLong bytesTotal) {
    registry().startProgress(id, bytesTotal);
  }

  @Override
  public void recordProgress(String id, long bytesReceived, OptionalLong bytesTotal) {
    registry().recordProgress(id, bytesReceived, bytesTotal);
  }

  @Override
  public Optional<UploadProgress> progress(String id) {
    return registry().progress(id);
  }

  @Override
  public long bytesStoredBy(String owner) {
    return registry().bytesStoredBy(owner);
  }

  @Override
  public ImageMember addMember(String imageId, String member, int maxMembers) {
    return registry().addMember(imageId, member, maxMembers);
  }

  @Override
  public java.util.List<ImageMember> members(String imageId) {
    return registry().members(imageId);
  }

  @Override
  public Optional<ImageMember> member(String imageId, String member) {
    return registry().member(imageId, member);
  }

  @Override
  public Optional<ImageMember> updateMember(String imageId, String member, MemberStatus status) {
    return registry().updateMember(imageId, member, status);
  }

  @Override
  public boolean removeMember(String imageId, String member) {
    return registry().removeMember(imageId, member);
  }

  @Override
  public OptionalLong reserve(String id, long atLeast, long atMost, long quota) {
    return registry().reserve(id, atLeast, atMost, quota);
  }

  @Override
  public long bytesReservedBy(String owner) {
    return registry().bytesReservedBy(owner);
  }

  @Override
  public String describe() {
    return settings.describe();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (opened != null) {
      opened.close();
      opened = null;
    }
  }
}
