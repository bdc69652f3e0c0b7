/**
 * The image registry: image records, their status machine and upload progress in SQLite
 * (embedded, the default) or PostgreSQL, with versioned migrations.
 *
 * <p>Start at {@link io.stowage.app.registry.ImageRegistry}; {@link
 * io.stowage.app.registry.RegistryModule} binds one from the host configuration's
 * {@code registry} section. Records ({@link io.stowage.app.registry.ImageRecord},
 * {@link io.stowage.app.registry.NewImage}, {@link io.stowage.app.registry.ImageQuery}, ...)
 * are immutable values without nulls.
 */
package io.stowage.app.registry;
