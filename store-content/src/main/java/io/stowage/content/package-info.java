/**
 * The {@code content} store: containerd's content store as a PF4J plugin. Blobs at
 * {@code blobs/<alg>/<hex>}, ingests at {@code ingest/<sha256 of ref>/}, labels and times at
 * {@code meta/<alg>/<hex>}, image references at {@code images/<sha256 of image id>}. See
 * {@link io.stowage.content.ContentStoreProvider}.
 */
package io.stowage.content;
