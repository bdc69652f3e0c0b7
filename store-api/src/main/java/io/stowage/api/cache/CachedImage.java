package io.stowage.api.cache;

import java.time.Instant;

/**
 * An image held in the cache (Glance's cached-image record).
 *
 * @param imageId the image's id
 * @param size bytes of the entry
 * @param lastModified when the entry's data was last written
 * @param lastAccessed when it was last opened for reading, or committed if never read, as the
 *     driver recorded it — not the file system's atime
 * @param hits how many times it was opened for reading since it was committed
 */
public record CachedImage(
    String imageId, long size, Instant lastModified, Instant lastAccessed, long hits) {}
