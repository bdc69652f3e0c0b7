package io.stowage.cache.xattr;

/**
 * The xattr cache driver's configuration, bound from the {@code cache:} section (the host keeps
 * {@code driver}, {@code max_size}, {@code stall_time} and the schedules for itself).
 *
 * @param dir the cache folder, relative to the configuration file's folder; created if missing.
 *     Its file system must keep user extended attributes.
 */
public record XattrCacheConfig(String dir) {
  public XattrCacheConfig {
    dir = dir == null ? "" : dir;
  }
}
