/**
 * The image-cache SPI: a {@link io.stowage.api.cache.CacheDriverProvider} plugin extension
 * builds a {@link io.stowage.api.cache.CacheDriver} over a folder; the host reads through it,
 * writes into it with a {@link io.stowage.api.cache.CacheWriter}, and prunes and cleans it.
 * Contract tests: {@code io.stowage.tck.cache.CacheDriverContract} in store-tck.
 */
package io.stowage.api.cache;
