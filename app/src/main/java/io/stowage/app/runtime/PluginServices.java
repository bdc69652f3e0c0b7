package io.stowage.app.runtime;

import com.google.inject.Injector;

/**
 * The injector every plugin's injector descends from: it binds the host services store-api
 * documents ({@link java.time.Clock}, {@link io.stowage.api.TaskScheduler}) and nothing else,
 * so a plugin can {@code @Inject} exactly what store-api promises. (A holder, because Guice does
 * not let a module bind {@link Injector} itself.)
 */
public record PluginServices(Injector injector) {}
