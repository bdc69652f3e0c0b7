/**
 * The Stowage SPI: every type that plugins and the host share.
 *
 * <p>A plugin jar contributes one or more extensions — {@link io.stowage.api.store.StoreProvider},
 * {@link io.stowage.api.cache.CacheDriverProvider}, {@link io.stowage.api.disk.DiskFormat} — which the host
 * discovers with PF4J and instantiates through Guice. Providers are factories: the host calls
 * them once per configured instance with that instance's configuration, bound from YAML with
 * Jackson into the provider's {@code configType()}.
 *
 * <p>Conventions across the package: values are immutable records; nothing returns or accepts
 * {@code null} (absent values are {@link java.util.Optional} or an explicit "unknown"); every
 * failure is a subclass of the unchecked {@link io.stowage.api.StowageException}.
 */
package io.stowage.api;

import io.stowage.api.cache.CacheDriverProvider;
import io.stowage.api.disk.DiskFormat;
import io.stowage.api.store.StoreProvider;
