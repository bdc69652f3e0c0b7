package io.stowage.app.registry;

import java.util.List;

/**
 * Leases on running uploads, so an upload a crash left in {@code saving} can be told from a
 * live one and returned to {@code queued} — safely when several processes or hosts share the
 * registry. Each method is one atomic statement or transaction; thread-safe.
 */
public interface UploadLeases {

  /**
   * Records that {@code holder} runs the upload of the image into {@code storeId} (replacing
   * any earlier lease), renewed now. Call after the {@code queued → saving} transition. Ignored
   * when the image does not exist.
   */
  void take(String imageId, String holder, java.util.Optional<String> storeId);

  /** Marks every lease {@code holder} holds as renewed now (its heartbeat). */
  void renewAll(String holder);

  /** Ends {@code holder}'s lease on the image; nothing when it holds none. */
  void release(String imageId, String holder);

  /** Every image in {@code saving} with its lease, or without one (see {@link UploadLease}). */
  List<UploadLease> saving();

  /**
   * Moves the image {@code saving → queued} and drops its lease if, and only if, it is still
   * saving under exactly {@code seen} (same holder, same renewal time): compare-and-set, so an
   * upload renewed or finished meanwhile is left alone, and of several processes requeueing one
   * upload exactly one succeeds.
   *
   * @return whether this call requeued the image
   */
  boolean requeue(UploadLease seen);
}
