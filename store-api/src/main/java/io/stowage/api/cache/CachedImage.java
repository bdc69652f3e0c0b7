package io.stowage.api.cache;


import java.time.Instant;

/**
 * An image held in the cache.
 *
 * @param lastAccessed when it was last opened for reading (or committed), as the driver
 *     recorded it — not the file system's atime
 * @param hits how many times it was opened for reading since it was committed
 */
public record CachedImage(
    String imageId, long size, Instant lastModified, Instant lastAccessed, long hits) {}
