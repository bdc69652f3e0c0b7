package io.stowage.app.registry;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** A real registry that counts the progress writes made through it. */
final class CountingRegistry implements ImageRegistry {
  final AtomicInteger writes = new AtomicInteger();
  private final ImageRegistry real;

  CountingRegistry(ImageRegistry real) {
    this.real = real;
  }

  @Override
  public void startProgress(String id, OptionalLong bytesTotal) {
    writes.incrementAndGet();
    real.startProgress(id, bytesTotal);
  }

  @Override
  public void recordProgress(String id, long bytesReceived, OptionalLong bytesTotal) {
    writes.incrementAndGet();
    real.recordProgress(id, bytesReceived, bytesTotal);
  }

  @Override
  public UploadLeases leases() {
    return real.leases();
  }

  @Override
  public ImageRecord create(NewImage image) {
    return real.create(image);
  }

  @Override
  public Optional<ImageRecord> find(String id) {
    return real.find(id);
  }

  @Override
  public ImagePage list(ImageQuery query) {
    return real.list(query);
  }

  @Override
  public ImageRecord update(String id, UnaryOperator<ImageRecord> change) {
    return real.update(id, change);
  }

  @Override
  public boolean transition(String id, ImageStatus from, ImageStatus to) {
    return real.transition(id, from, to);
  }

  @Override
  public Optional<ImageRecord> activate(String id, Activation activation) {
    return real.activate(id, activation);
  }

  @Override
  public boolean delete(String id) {
    return real.delete(id);
  }

  @Override
  public boolean addTag(String id, String tag) {
    return real.addTag(id, tag);
  }

  @Override
  public boolean removeTag(String id, String tag) {
    return real.removeTag(id, tag);
  }

  @Override
  public Optional<UploadProgress> progress(String id) {
    return real.progress(id);
  }

  @Override
  public long bytesStoredBy(String owner) {
    return real.bytesStoredBy(owner);
  }

  @Override
  public ImageMember addMember(String imageId, String member, int maxMembers) {
    return real.addMember(imageId, member, maxMembers);
  }

  @Override
  public java.util.List<ImageMember> members(String imageId) {
    return real.members(imageId);
  }

  @Override
  public Optional<ImageMember> member(String imageId, String member) {
    return real.member(imageId, member);
  }

  @Override
  public Optional<ImageMember> updateMember(String imageId, String member, MemberStatus status) {
    return real.updateMember(imageId, member, status);
  }

  @Override
  public boolean removeMember(String imageId, String member) {
    return real.removeMember(imageId, member);
  }

  @Override
  public OptionalLong reserve(String id, long atLeast, long atMost, long quota) {
    return real.reserve(id, atLeast, atMost, quota);
  }

  @Override
  public long bytesReservedBy(String owner) {
    return real.bytesReservedBy(owner);
  }

  @Override
  public String describe() {
    return real.describe();
  }

  @Override
  public void close() {
    real.close();
  }
}
