/**
 * Stores: where image bytes live. A plugin contributes a {@link io.stowage.api.store.StoreProvider};
 * the host calls it once per configured instance and uses the {@link io.stowage.api.store.Store}
 * it returns through {@link io.stowage.api.store.Store#add add}, {@code get}, {@code size} and
 * {@code delete}.
 *
 * <p><b>Writing {@code add}.</b> Wrap the request in {@link io.stowage.api.store.ImageMeter}:
 * it reads the data, computes md5 and the multihash on other threads, counts the bytes, enforces
 * the declared size and the size cap, and reports progress; the store only writes the blocks it
 * is handed (to a temporary name) and, once the meter returns, makes them visible under the
 * final name and builds its {@link io.stowage.api.store.AddResult} from the meter's reading.
 * Classify I/O failures with {@link io.stowage.api.IoFailures}.
 *
 * <p><b>A content-addressed backend</b> (one that names data by its digest, as an OCI content
 * store or a deduplicating object store does) fits the same {@code add}: the image id is known
 * before the bytes, the digest only after them. Such a store
 * <ol>
 *   <li>writes the bytes to a temporary, private name while the meter hashes them (it cannot
 *       name the blob before the last byte);
 *   <li>after {@link io.stowage.api.store.ImageMeter#copy copy} returns, moves the temporary
 *       data to the blob named by the digest — or, if that blob already exists (the same bytes
 *       were added before, under another id), discards the temporary data and keeps the
 *       existing blob;
 *   <li>records the image id → digest mapping atomically, failing with
 *       {@link io.stowage.api.DuplicateException} if the id is taken; a location names the id
 *       (or the id and the digest), never the digest alone, so that deleting one image does
 *       not delete another that shares its bytes (the blob goes when its last id does).
 * </ol>
 * Re-adding identical bytes under a new id must therefore succeed and return a new location
 * with the same md5 and multihash; re-adding under the same id is a
 * {@link io.stowage.api.DuplicateException} as for any store. A failure at any point before
 * the mapping is recorded leaves at most an unreferenced blob, which the store may collect;
 * never an id that points at missing or partial bytes.
 */
package io.stowage.api.store;
