package io.stowage.content;

import io.stowage.api.BadStoreConfigurationException;
import io.stowage.api.InstanceContext;
import io.stowage.api.InvalidRequestException;
import io.stowage.api.TaskScheduler;
import io.stowage.api.content.DigestAlgorithm;
import io.stowage.api.store.Store;
import io.stowage.api.store.StoreProvider;
import jakarta.inject.Inject;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The {@code content} store type: a content-addressed blob store (also an
 * {@link io.stowage.api.content.ContentStore}) whose images are addressed as
 * {@code content:///<alg>/<hex>?image=<id>}. Stateless and thread-safe.
 *
 * <p>Made by the host through Guice with its {@link TaskScheduler}, on which each store reaps
 * abandoned ingests until it is closed. Made without one (tools, tests), a store reaps them once
 * when it opens.
 */
@Extension
public final class ContentStoreProvider implements StoreProvider<ContentConfig> {
  private final Optional<TaskScheduler> scheduler;

  /** A provider whose stores reap abandoned ingests on {@code scheduler}. */
  @Inject
  public ContentStoreProvider(TaskScheduler scheduler) {
    this.scheduler = Optional.of(scheduler);
  }

  /** A provider whose stores reap abandoned ingests only when they open. */
  public ContentStoreProvider() {
    this.scheduler = Optional.empty();
  }

  @Override
  public String type() {
    return "content";
  }

  @Override
  public Class<ContentConfig> configType() {
    return ContentConfig.class;
  }

  /**
   * Validates {@code config}, creates the root's folders and returns the store.
   *
   * @throws BadStoreConfigurationException a value is invalid or the root cannot be created
   */
  @Override
  public Store create(ContentConfig config, InstanceContext context) {
    if (config.root().isBlank()) {
      throw new BadStoreConfigurationException("root", "a folder is required");
    }
    DigestAlgorithm algorithm;
    try {
      algorithm = DigestAlgorithm.of(config.digest());
    } catch (InvalidRequestException e) {
      throw new BadStoreConfigurationException("digest", e.getMessage());
    }
    if (config.ingestExpiry().isNegative() || config.ingestExpiry().isZero()) {
      throw new BadStoreConfigurationException("ingest_expiry", "must be positive");
    }
    return LocalContentStore.open(
        context.instanceId(), context.resolve(config.root()), algorithm, config.ingestExpiry(),
        config.checkpointInterval().bytes(), scheduler);
  }
}
