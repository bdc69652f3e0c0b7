package io.stowage.app.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.Stage;
import io.stowage.api.TaskScheduler;
import java.time.Clock;

/**
 * The host's lifecycle and the services store-api documents for plugins ({@link Clock},
 * {@link TaskScheduler}), and the {@link PluginServices} injector plugins' injectors descend
 * from.
 */
public final class HostServicesModule extends AbstractModule {
  private final Clock clock;

  public HostServicesModule(Clock clock) {
    this.clock = clock;
  }

  @Override
  protected void configure() {
    bind(Clock.class).toInstance(clock);
    bind(Lifecycle.class).toInstance(new Lifecycle());
  }

  @Provides
  @Singleton
  TaskScheduler scheduler(Lifecycle lifecycle) {
    return lifecycle.onCloseFirst("background tasks", new HostTaskScheduler());
  }

  @Provides
  @Singleton
  PluginServices forPlugins(Clock clock, TaskScheduler scheduler) {
    return new PluginServices(Guice.createInjector(Stage.DEVELOPMENT, binder -> {
      binder.requireExplicitBindings();
      binder.bind(Clock.class).toInstance(clock);
      binder.bind(TaskScheduler.class).toInstance(scheduler);
    }));
  }
}
