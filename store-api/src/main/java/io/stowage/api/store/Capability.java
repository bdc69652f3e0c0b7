package io.stowage.api.store;



import io.stowage.api.ByteRange;
/** What a {@link Store} can do. The host refuses operations a store does not declare. */
public enum Capability {
  /** {@link Store#get} of whole images. */
  READ,
  /** {@link Store#get} with a {@link ByteRange} other than {@link ByteRange#ALL}. */
  RANGED_READ,
  /** {@link Store#add}. */
  WRITE,
  /** {@link Store#delete}. */
  DELETE,
  /** Interrupted writes can be continued without resending what was stored. */
  RESUMABLE_WRITE
}
