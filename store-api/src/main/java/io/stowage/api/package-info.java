/**
 * The Stowage SPI: every type that plugins and the host share.
 *
 * <p>A plugin jar contributes one or more extensions — {@link io.stowage.api.StoreProvider},
 * {@link io.stowage.api.CacheDriverProvider}, {@link io.stowage.api.DiskFormat} — which the host
 * discovers with PF4J and instantiates through Guice. Providers are factories: the host calls
 * them once per configured instance with that instance's configuration, bound from YAML with
 * Jackson into the provider's {@code configType()}.
 *
 * <p>Conventions across the package: values are immutable records; nothing returns or accepts
 * {@code null} (absent values are {@link java.util.Optional} or an explicit "unknown"); every
 * failure is a subclass of the unchecked {@link io.stowage.api.StoreException}.
 */
package io.stowage.api;
