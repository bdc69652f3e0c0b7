package io.stowage.api;

import org.pf4j.ExtensionPoint;

/**
 * A plugin's own Guice bindings for its extensions (jclouds' model), contributed as a PF4J
 * {@code @Extension}. The host builds one injector per plugin from its extension modules, as a
 * child of the host services injector that allows explicit bindings only, and makes the
 * plugin's other extensions in it, so an extension's {@code @Inject} constructor may ask for
 * what the module binds and for the host services:
 *
 * <ul>
 *   <li>{@link java.time.Clock}: the host's clock (UTC); tests substitute a fixed one.
 *   <li>{@link TaskScheduler}: background work, stopped when the host closes.
 * </ul>
 *
 * <p>The class needs a public no-argument constructor. A plugin that implements this declares
 * Guice as a {@code provided} dependency (the host supplies it; never bundle it). Bindings are
 * visible to this plugin only, and nothing of the plugin ends up in the host's injector.
 */
public interface ExtensionModule extends ExtensionPoint, com.google.inject.Module {}
