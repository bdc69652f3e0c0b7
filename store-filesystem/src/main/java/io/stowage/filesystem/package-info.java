/**
 * The {@code filesystem} store: glance_store's file store, made atomic and durable.
 *
 * <p>Images are files named by their id in one of the configured data folders, chosen by
 * priority and then free space. An add streams into a hidden, locked temporary file in the
 * chosen folder (with direct I/O where the file system takes it, written on a thread of its
 * own) while md5 and the multihash are computed on two other threads; the file is
 * flushed, hard-linked to its final name (which fails if that name exists) and the folder
 * flushed, so no reader and no crash ever sees a partial image. Leftover temporary files are
 * removed when a store starts. Locations are {@code file:///folder/<id>} (or
 * {@code filesystem:}); a location can only name a file directly inside a data folder.
 *
 * <p>The public API is {@link io.stowage.filesystem.FilesystemStoreProvider} and
 * {@link io.stowage.filesystem.FilesystemConfig}; everything else is package-private.
 */
package io.stowage.filesystem;
