/**
 * The image-cache part of the TCK: {@link io.stowage.tck.cache.CacheDriverContract}, which a
 * {@link io.stowage.api.cache.CacheDriver} implementation runs by extending it in its test
 * sources and supplying a factory.
 */
package io.stowage.tck.cache;
