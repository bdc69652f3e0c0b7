package io.stowage.app.service;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;

/** The application layer: {@link ImageStorage}. */
public final class ServiceModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(ImageStorage.class).to(StorageService.class).in(Singleton.class);
    bind(StorageService.class);
  }
}
