/**
 * The Stowage store TCK: contract tests a {@link io.stowage.api.store.Store} implementation runs by
 * extending {@link io.stowage.tck.StoreContract} in its own test sources and supplying a
 * factory. Everything else in the package is the kit's own machinery.
 */
package io.stowage.tck;
