/**
 * The content API: a digest-keyed blob store with resumable, single-writer ingests (containerd's
 * content store model), so that any content backend can implement it.
 *
 * <p>Blobs are named by a {@link io.stowage.api.content.Digest}; data being written lives in an
 * ingest named by a caller-chosen ref until {@link io.stowage.api.content.ContentWriter#commit}
 * moves it under its digest. A committed blob is immutable. Failures are the unchecked
 * {@link io.stowage.api.StowageException} leaves.
 */
package io.stowage.api.content;
