/**
 * The application layer: what every interface (the CLI, the HTTP API, the cache and the content
 * store) calls to store and read images. {@link io.stowage.app.service.ImageStorage} holds the
 * policy — store choice and routing, capability checks, the size cap and hash algorithm, format
 * inspection on the way in, quotas, progress — and {@link io.stowage.app.service.Failures} is the
 * one table from an error to an exit code, an HTTP status and a message. Interfaces parse, call
 * this layer and present; they hold no policy and never call a store.
 */
package io.stowage.app.service;
