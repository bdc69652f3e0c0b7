/**
 * The {@code xattr} image cache: Glance's xattr cache driver, with exact hit counts and its own
 * last-access times kept across processes.
 *
 * <p>Layout as Glance's: committed entries are files named by image id in the cache folder;
 * {@code incomplete/} holds writes under way, {@code invalid/} failed ones (reason in {@code
 * user.error}), {@code queue/} one file per queued image. Each entry carries {@code user.hits}
 * (Glance's counter) and {@code user.stowage.access} (hits, last access, committed size).
 *
 * <p>The public API is {@link io.stowage.cache.xattr.XattrCacheDriverProvider} and {@link
 * io.stowage.cache.xattr.XattrCacheConfig}; everything else is package-private.
 */
package io.stowage.cache.xattr;
